using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace CodeChat.InstanceBench;

/// <summary>
/// Our product as a user runs it: CodeChat.Silo.dll (silo + API in one process, Release) as a child
/// process on its own data folder (embedded PostgreSQL unless a connection string is given), driven
/// over the REST API with the global key. Stopping and starting it again on the same data is the
/// reconnect storm: the instances resume from PostgreSQL.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private const string ApiKey = "instance-bench-global-key-0123456789";
    private readonly ChildProcess _process;
    private readonly HttpClient _api;
    private readonly LogTally _logs;

    private GatewayProcess(ChildProcess process, HttpClient api, LogTally logs, string dataPath)
    {
        _process = process;
        _api = api;
        _logs = logs;
        DataPath = dataPath;
    }

    public int ProcessId => _process.Id;

    public DateTime StartedAt => _process.StartedAt;

    public string DataPath { get; }

    /// <summary>Warning-or-worse log lines seen since start, by message (secrets never reach logs, so they may be shown).</summary>
    public LogTally Logs => _logs;

    public static async Task<GatewayProcess> StartAsync(
        string dataPath, string workDirectory, EmulatorProcess emulator, BenchOptions options, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var settings = new Dictionary<string, string>
        {
            ["CodeChat:DataPath"] = dataPath,
            ["Authentication:GlobalApiKey"] = ApiKey,
            ["Orleans:SiloPort"] = "0",
            ["Orleans:GatewayPort"] = "0",
            ["WhatsApp:Url"] = emulator.ChatUrl.ToString(),
            ["WhatsApp:TrustedRootKey"] = emulator.RootKey,
            ["WhatsApp:VersionSource"] = "off",
            // Warnings and errors only, one line each: the bench counts them (a normal linking logs none).
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        };
        if (options.ConnectionString is { } connectionString)
            settings["ConnectionStrings:CodeChat"] = connectionString;
        if (options.ResumeParallelism is { } parallelism)
            settings["Instances:ResumeParallelism"] = parallelism.ToString(CultureInfo.InvariantCulture);
        foreach (var setting in options.GatewaySettings)
            settings[setting.Key] = setting.Value;

        var logs = new LogTally();
        var process = ChildProcess.Start(
            "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "CodeChat.Silo.dll"), "--urls", $"http://127.0.0.1:{port}"],
            settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value),
            Path.Combine(workDirectory, "gateway.log"),
            logs.Add);
        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
        api.DefaultRequestHeaders.Add("apikey", ApiKey);
        var gateway = new GatewayProcess(process, api, logs, dataPath);
        await Until.TrueAsync(async () => await gateway.IsReadyAsync(cancellationToken), TimeSpan.FromMinutes(5), "the gateway to be ready", cancellationToken);
        return gateway;
    }

    /// <summary>Creates the instance, asks for its QR and hands it to the emulator's phone; returns once the phone linked it.</summary>
    public async Task LinkAsync(string name, string phone, EmulatorProcess emulator, CancellationToken cancellationToken)
    {
        using (var created = await _api.PostAsJsonAsync("instance/create", new { instanceName = name }, cancellationToken))
        {
            if (created.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"create {name}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(cancellationToken)}");
        }

        string? code = null;
        await Until.TrueAsync(async () =>
        {
            var connect = await _api.GetFromJsonAsync<JsonElement>($"instance/connect/{name}", cancellationToken);
            code = connect.TryGetProperty("code", out var qr) && qr.ValueKind == JsonValueKind.String ? qr.GetString() : null;
            return code is not null;
        }, TimeSpan.FromMinutes(2), $"a QR code for {name}", cancellationToken);
        await emulator.ScanAsync(code!, phone, cancellationToken);
    }

    public Task<(int? ExitCode, TimeSpan Took)> StopAsync() => _process.StopAsync(TimeSpan.FromMinutes(2));

    /// <summary>The embedded PostgreSQL server's processes (postmaster and its backends), or none when external.</summary>
    public IReadOnlyList<int> PostgresProcesses()
    {
        var candidates = new List<string> { Path.Combine(DataPath, "postgres", "postmaster.pid") };
        if (Directory.Exists("/var/lib/codechat"))
            candidates.AddRange(Directory.EnumerateDirectories("/var/lib/codechat").Select(d => Path.Combine(d, "postgres", "postmaster.pid")));
        foreach (var pidFile in candidates.Where(File.Exists))
        {
            // The fallback folder is per data path; make sure this postmaster serves ours.
            var lines = File.ReadAllLines(pidFile);
            if (lines.Length < 2 || !int.TryParse(lines[0], CultureInfo.InvariantCulture, out var postmaster))
                continue;
            if (!pidFile.StartsWith(DataPath, StringComparison.Ordinal) && !IsOurFallback(pidFile))
                continue;
            return [postmaster, .. ProcessProbe.ChildrenOf(postmaster)];
        }

        return [];
    }

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        await _process.DisposeAsync();
    }

    private bool IsOurFallback(string pidFile)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(DataPath)))[..16];
        return pidFile.Contains($"/var/lib/codechat/{hash}/", StringComparison.Ordinal);
    }

    private async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        if (_process.HasExited)
            throw new InvalidOperationException("the gateway exited during start-up; see gateway.log");
        try
        {
            using var response = await _api.GetAsync("health/ready", cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
