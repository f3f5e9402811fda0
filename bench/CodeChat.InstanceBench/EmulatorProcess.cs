using System.Net.Http.Json;
using System.Text.Json;

namespace CodeChat.InstanceBench;

/// <summary>The WhatsApp emulator (tests/WaEmulator) as a child process, driven through its HTTP control API.</summary>
internal sealed class EmulatorProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly HttpClient _control;

    private EmulatorProcess(ChildProcess process, HttpClient control, Uri chatUrl, string rootKey)
    {
        _process = process;
        _control = control;
        ChatUrl = chatUrl;
        RootKey = rootKey;
    }

    public Uri ChatUrl { get; }

    /// <summary>The certificate root as 64 hex digits (WhatsApp:TrustedRootKey, Baileys' WA_CERT_DETAILS).</summary>
    public string RootKey { get; }

    public int ProcessId => _process.Id;

    public static async Task<EmulatorProcess> StartAsync(string workDirectory, CancellationToken cancellationToken)
    {
        var chat = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var control = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var root = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = ChildProcess.Start(
            "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "CodeChat.WaEmulator.dll"), "--port", "0"],
            new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" },
            Path.Combine(workDirectory, "emulator.log"),
            line =>
            {
                // "chat:    ws://…", "control: http://…/_emulator/", "root:    <hex>"
                if (line.StartsWith("chat:", StringComparison.Ordinal)) chat.TrySetResult(line[5..].Trim());
                else if (line.StartsWith("control:", StringComparison.Ordinal)) control.TrySetResult(line[8..].Trim());
                else if (line.StartsWith("root:", StringComparison.Ordinal)) root.TrySetResult(line[5..].Trim());
            });
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await Task.WhenAll(chat.Task, control.Task, root.Task).WaitAsync(timeout.Token);
        var client = new HttpClient { BaseAddress = new Uri(control.Task.Result), Timeout = TimeSpan.FromMinutes(2) };
        return new EmulatorProcess(process, client, new Uri(chat.Task.Result), root.Task.Result);
    }

    public async Task CreateAccountAsync(string phone, CancellationToken cancellationToken)
    {
        using var response = await _control.PostAsJsonAsync("accounts", new { phone }, cancellationToken);
        await EnsureAsync(response, $"create account {phone}", cancellationToken);
    }

    /// <summary>The account's phone scans the QR; returns once the device is stored (the client's 515 and login follow).</summary>
    public async Task ScanAsync(string qr, string phone, CancellationToken cancellationToken)
    {
        using var response = await _control.PostAsJsonAsync("scan", new { qr, phone }, cancellationToken);
        await EnsureAsync(response, $"scan for {phone}", cancellationToken);
    }

    public async Task<Stats> StatsAsync(CancellationToken cancellationToken)
    {
        var stats = await _control.GetFromJsonAsync<JsonElement>("stats", cancellationToken);
        return new Stats(
            stats.GetProperty("onlineDevices").GetInt32(),
            stats.GetProperty("liveConnections").GetInt32(),
            stats.GetProperty("logins").GetInt64(),
            stats.GetProperty("replacedLogins").GetInt64(),
            stats.GetProperty("keepalivePings").GetInt64());
    }

    /// <summary>SIGTERM after it served every connection of the run: must exit by itself with code 0.</summary>
    public Task<(int? ExitCode, TimeSpan Took)> StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        await _process.DisposeAsync();
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    public sealed record Stats(int OnlineDevices, int LiveConnections, long Logins, long ReplacedLogins, long KeepalivePings);
}
