using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CodeChat.Silo.Database;

/// <summary>
/// A private PostgreSQL server in the data folder, so a single machine runs CodeChat.NET with no
/// database set-up. The cluster is created on first start and reused afterwards; the password is
/// generated once and kept in the data folder (mode 0600); the TCP port is chosen once, kept, and
/// reused while it is free. Only loopback TCP connections are accepted.
/// </summary>
public sealed class EmbeddedPostgresServer : IAsyncDisposable
{
    private const string PasswordFileName = "postgres.password";
    private const string PortFileName = "postgres.port";
    private const string ClusterFolderName = "postgres";
    private const string ServerLogFileName = "codechat-server.log";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly EmbeddedPostgresOptions _options;
    private readonly ILogger _logger;
    private readonly PostgresCommandRunner _runner = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly Lock _prepareLock = new();
    private PreparedCluster? _prepared;
    private bool _running;

    public EmbeddedPostgresServer(EmbeddedPostgresOptions options, ILogger<EmbeddedPostgresServer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        DataDirectory = Path.GetFullPath(options.DataDirectory);
    }

    public string DataDirectory { get; }

    /// <summary>The folder the server keeps its files in (PGDATA).</summary>
    public string ClusterDirectory => Prepare().ClusterDirectory;

    public int Port => Prepare().Port;

    public bool IsRunning => _running;

    /// <summary>The connection string of the application database.</summary>
    public string ConnectionString => ConnectionStringFor(_options.DatabaseName);

    public string ConnectionStringFor(string database)
    {
        var prepared = Prepare();
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = IPAddress.Loopback.ToString(),
            Port = prepared.Port,
            Username = _options.UserName,
            Password = prepared.Password,
            Database = database,
        };
        return builder.ConnectionString;
    }

    /// <summary>
    /// Decides everything a connection string needs (binaries, folders, password, port) without
    /// starting anything, so the host can configure its database clients before the server runs.
    /// </summary>
    public PreparedCluster Prepare()
    {
        lock (_prepareLock)
        {
            return _prepared ??= PrepareCore();
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_running)
            {
                return;
            }

            var prepared = Prepare();
            await EnsureClusterAsync(prepared, cancellationToken).ConfigureAwait(false);
            if (RunningPostmasterPort(prepared.ClusterDirectory) is { } runningPort)
            {
                // A server left running by a previous process that died: adopt it instead of starting a second one.
                if (runningPort != prepared.Port)
                {
                    throw new EmbeddedPostgresException(
                        $"A PostgreSQL server already runs on the cluster in '{prepared.ClusterDirectory}' on port {runningPort}, " +
                        $"not on the expected port {prepared.Port}: stop it (pg_ctl -D '{prepared.ClusterDirectory}' stop).");
                }

                _logger.LogInformation("Embedded PostgreSQL already running on 127.0.0.1:{Port}; reusing it", prepared.Port);
            }
            else
            {
                await StartServerAsync(prepared, cancellationToken).ConfigureAwait(false);
            }

            _running = true;
            await CreateDatabaseAsync(_options.DatabaseName, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Creates a database if it does not exist yet.</summary>
    public async Task CreateDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        if (!IsPlainIdentifier(database))
        {
            throw new ArgumentException($"Database name '{database}' must be lower-case letters, digits and underscores.", nameof(database));
        }

        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", database);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                return;
            }
        }

        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another starter created it between the check and the CREATE: that is the wanted outcome.
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_running || _prepared is null)
            {
                return;
            }

            NpgsqlConnection.ClearAllPools();
            var result = await _runner.RunAsync(
                Path.Combine(_prepared.Binaries.Directory, "pg_ctl"),
                ["-D", _prepared.ClusterDirectory, "-m", "fast", "-w", "-t", "60", "stop"],
                cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                _logger.LogWarning("Stopping embedded PostgreSQL failed: {Output}", result.Output.Trim());
                return;
            }

            _running = false;
            _logger.LogInformation("Embedded PostgreSQL stopped");
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The semaphore is left undisposed on purpose: a web host can be stopped along two paths at
        // once (Program's RunAsync disposing the container while WebApplicationFactory still runs the
        // hosted services' StopAsync), and a late StopAsync must find it usable and return. Its wait
        // handle is never created, so there is nothing to release.
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private PreparedCluster PrepareCore()
    {
        var binaries = PostgresBinaries.Locate(_options.BinDirectory);
        Directory.CreateDirectory(DataDirectory);
        if (_runner.RunsAsServiceAccount)
        {
            // The server runs as 'postgres' and must be able to enter the data folder.
            UnixPermissions.AddOthersTraverse(DataDirectory);
        }

        var clusterDirectory = ChooseClusterDirectory();
        var password = ReadOrCreatePassword();
        var port = RunningPostmasterPort(clusterDirectory) ?? ReadOrChoosePort();
        return new PreparedCluster(binaries, clusterDirectory, port, password);
    }

    /// <summary>
    /// The cluster belongs in the data folder; when this process is root and a parent folder is closed
    /// to the 'postgres' user (a data folder under /root, for example), the server could not reach it,
    /// so the cluster goes to a folder of its own under /var/lib/codechat instead.
    /// </summary>
    private string ChooseClusterDirectory()
    {
        var preferred = Path.Combine(DataDirectory, ClusterFolderName);
        if (!_runner.RunsAsServiceAccount || AncestorsOpenToOthers(DataDirectory))
        {
            return preferred;
        }

        var pathHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DataDirectory)))[..16];
        var fallbackRoot = Path.Combine("/var/lib/codechat", pathHash);
        Directory.CreateDirectory(fallbackRoot);
        UnixPermissions.Set("/var/lib/codechat", UnixPermissions.TraversableByAll);
        UnixPermissions.Set(fallbackRoot, UnixPermissions.TraversableByAll);
        _logger.LogInformation(
            "Data folder {DataDirectory} is not reachable by the 'postgres' user; the embedded cluster lives in {ClusterRoot}",
            DataDirectory, fallbackRoot);
        return Path.Combine(fallbackRoot, ClusterFolderName);
    }

    private static bool AncestorsOpenToOthers(string directory)
    {
        for (var current = Path.GetDirectoryName(directory); !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            if (!UnixPermissions.OthersCanTraverse(current))
            {
                return false;
            }
        }

        return true;
    }

    private string ReadOrCreatePassword()
    {
        var passwordFile = Path.Combine(DataDirectory, PasswordFileName);
        if (File.Exists(passwordFile))
        {
            var stored = File.ReadAllText(passwordFile).Trim();
            if (stored.Length > 0)
            {
                return stored;
            }
        }

        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        UnixPermissions.WriteOwnerOnly(passwordFile, password);
        return password;
    }

    private int ReadOrChoosePort()
    {
        var portFile = Path.Combine(DataDirectory, PortFileName);
        if (File.Exists(portFile)
            && int.TryParse(File.ReadAllText(portFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var stored)
            && stored is > 0 and < 65536
            && IsLoopbackPortFree(stored))
        {
            return stored;
        }

        var chosen = FreeLoopbackPort();
        File.WriteAllText(portFile, chosen.ToString(CultureInfo.InvariantCulture));
        return chosen;
    }

    private async Task EnsureClusterAsync(PreparedCluster prepared, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(prepared.ClusterDirectory, "PG_VERSION")))
        {
            return;
        }

        Directory.CreateDirectory(prepared.ClusterDirectory);
        await _runner.HandOverAsync(prepared.ClusterDirectory, cancellationToken).ConfigureAwait(false);

        // initdb reads the password from a file; the service account must be able to read it, and a
        // process substitution does not survive runuser, so a short-lived copy is written next to the cluster.
        var clusterParent = Path.GetDirectoryName(prepared.ClusterDirectory)!;
        var initPasswordFile = Path.Combine(clusterParent, $".initdb-{Guid.NewGuid():N}");
        UnixPermissions.WriteOwnerOnly(initPasswordFile, prepared.Password);
        try
        {
            await _runner.HandOverAsync(initPasswordFile, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Creating embedded PostgreSQL cluster in {ClusterDirectory}", prepared.ClusterDirectory);
            string[] arguments =
            [
                "-D", prepared.ClusterDirectory,
                "-U", _options.UserName,
                "-A", "scram-sha-256",
                $"--pwfile={initPasswordFile}",
                "-E", "UTF8",
                "--locale=C",
                "--no-instructions",
            ];
            if (_options.RelaxDurability)
            {
                // Flushing every new file to disk is most of initdb's time on a busy machine.
                arguments = [.. arguments, "--no-sync"];
            }
            var result = await _runner.RunAsync(prepared.Binaries.InitDb, arguments, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new EmbeddedPostgresException($"initdb failed for '{prepared.ClusterDirectory}': {FirstLines(result.Output)}");
            }
        }
        finally
        {
            File.Delete(initPasswordFile);
        }

        var settings = new StringBuilder()
            .AppendLine()
            .AppendLine("# CodeChat.NET embedded server: loopback TCP only, no Unix socket, UTC")
            .AppendLine("listen_addresses = '127.0.0.1'")
            .AppendLine("unix_socket_directories = ''")
            .AppendLine("timezone = 'UTC'")
            .AppendLine(CultureInfo.InvariantCulture, $"max_connections = {_options.MaxConnections}");
        if (_options.RelaxDurability)
        {
            settings.AppendLine("fsync = off").AppendLine("synchronous_commit = off").AppendLine("full_page_writes = off");
        }

        await File.AppendAllTextAsync(Path.Combine(prepared.ClusterDirectory, "postgresql.conf"), settings.ToString(), cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task StartServerAsync(PreparedCluster prepared, CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(prepared.ClusterDirectory, "postmaster.pid");
        if (File.Exists(pidFile))
        {
            // The recorded server is gone (checked by the caller); a recycled pid would make the server refuse to start.
            _logger.LogInformation("Removing stale postmaster.pid from {ClusterDirectory}", prepared.ClusterDirectory);
            File.Delete(pidFile);
        }

        var logFile = Path.Combine(prepared.ClusterDirectory, ServerLogFileName);
        var result = await _runner.RunAsync(
            prepared.Binaries.PgCtl,
            [
                "-D", prepared.ClusterDirectory,
                "-l", logFile,
                "-o", $"-p {prepared.Port.ToString(CultureInfo.InvariantCulture)}",
                "-w", "-t", ((int)StartTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                "start",
            ],
            cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            var serverLog = File.Exists(logFile) ? LastLines(await File.ReadAllTextAsync(logFile, cancellationToken).ConfigureAwait(false)) : string.Empty;
            throw new EmbeddedPostgresException(
                $"Embedded PostgreSQL did not start on 127.0.0.1:{prepared.Port} (cluster '{prepared.ClusterDirectory}'): " +
                $"{FirstLines(result.Output)} {serverLog}".Trim());
        }

        _logger.LogInformation("Embedded PostgreSQL started on 127.0.0.1:{Port}", prepared.Port);
    }

    /// <summary>The port of a live server recorded in postmaster.pid, or null when none runs.</summary>
    private static int? RunningPostmasterPort(string clusterDirectory)
    {
        var pidFile = Path.Combine(clusterDirectory, "postmaster.pid");
        string[] lines;
        try
        {
            lines = File.ReadAllLines(pidFile);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }

        if (lines.Length < 4
            || !int.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !int.TryParse(lines[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        var commandFile = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/comm";
        try
        {
            return File.ReadAllText(commandFile).Trim() == "postgres" ? port : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
    }

    private static bool IsLoopbackPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static bool IsPlainIdentifier(string name) =>
        name.Length is > 0 and <= 63 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_') && !char.IsDigit(name[0]);

    private static string FirstLines(string output) =>
        string.Join(" ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(3));

    private static string LastLines(string output) =>
        string.Join(" ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}

/// <summary>What <see cref="EmbeddedPostgresServer.Prepare"/> decided.</summary>
public sealed record PreparedCluster(PostgresBinaries Binaries, string ClusterDirectory, int Port, string Password)
{
    // The password must never reach a log line through a record's generated ToString.
    public override string ToString() => $"PreparedCluster {{ ClusterDirectory = {ClusterDirectory}, Port = {Port} }}";
}
