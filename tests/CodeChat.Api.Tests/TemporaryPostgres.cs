using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CodeChat.Api.Tests;

/// <summary>
/// A throw-away PostgreSQL server (initdb + pg_ctl from PATH) with this repository's
/// databases made on demand, bare (for a silo that migrates them itself) or with the
/// deploy/sql migrations applied. As root the server runs as the "postgres" OS user,
/// because PostgreSQL refuses to run as root.
/// </summary>
public sealed class TemporaryPostgres : IAsyncLifetime
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "codechat-api-tests-" + Guid.NewGuid().ToString("N"));
    private string DataDirectory => Path.Combine(directory, "data");
    private int port;

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        port = FreePort();
        if (Environment.UserName == "root")
            await RunAsync("chown", $"postgres:postgres {directory}", asPostgres: false);
        await RunAsync("initdb", $"-D {DataDirectory} -A trust -U codechat --no-sync", asPostgres: true);
        await RunAsync("pg_ctl",
            $"-D {DataDirectory} -o \"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off\" -l {directory}/log -w start",
            asPostgres: true);

        ConnectionString = $"Host=127.0.0.1;Port={port};Username=codechat;Database=postgres;Pooling=true";
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        await ApplyMigrationsAsync(DataSource);
    }

    /// <summary>A new empty database on this server; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using var command = DataSource.CreateCommand($"CREATE DATABASE {name}");
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Runs deploy/sql/*.sql in name order, as the silo's migration runner does.</summary>
    public static async Task ApplyMigrationsAsync(NpgsqlDataSource dataSource)
    {
        foreach (var script in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Sql"), "*.sql").Order(StringComparer.Ordinal))
        {
            await using var command = dataSource.CreateCommand(await File.ReadAllTextAsync(script));
            await command.ExecuteNonQueryAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await RunAsync("pg_ctl", $"-D {DataDirectory} -m immediate stop", asPostgres: true);
        Directory.Delete(directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, string arguments, bool asPostgres)
    {
        var runAsPostgres = asPostgres && Environment.UserName == "root";
        var start = new ProcessStartInfo(runAsPostgres ? "runuser" : program, runAsPostgres ? $"-u postgres -- {program} {arguments}" : arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await output}{await error}");
    }
}
