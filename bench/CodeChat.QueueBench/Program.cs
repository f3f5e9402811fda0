using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CodeChat.WaEmulator;

// Mailing throughput on loopback: the product's silo as a child process (embedded PostgreSQL in a
// temporary folder), the WhatsApp emulator in this process, N instances paired to it, one mailing per
// instance at zero delay to emulated phones, all started at once; prints recipients per second from
// the first start to the last queue cleared (send.message:COMPLETED).
//   dotnet run -c Release --project bench/CodeChat.QueueBench -- [--instances 1] [--recipients 200]
var instances = Option("--instances", 1);
var recipientsPerInstance = Option("--recipients", 200);
const string ApiKey = "queue-bench-global-key-0123456789";

await using var emulator = await WaEmulatorServer.StartAsync(new WaEmulatorOptions());
var dataPath = Directory.CreateTempSubdirectory("codechat-queue-bench-").FullName;
var port = FreePort();
var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CodeChat.Silo.dll"));
start.ArgumentList.Add("--urls");
start.ArgumentList.Add($"http://127.0.0.1:{port}");
foreach (var (key, value) in new Dictionary<string, string>
{
    ["CodeChat:DataPath"] = dataPath,
    ["Authentication:GlobalApiKey"] = ApiKey,
    ["Orleans:SiloPort"] = "0",
    ["Orleans:GatewayPort"] = "0",
    ["WhatsApp:Url"] = emulator.WebSocketUrl.ToString(),
    ["WhatsApp:TrustedRootKey"] = Convert.ToHexStringLower(emulator.Emulator.Certificates.RootPublicKey.Span),
    ["WhatsApp:VersionSource"] = "off",
    // The rate limit is what a deployment sets; the bench measures the pipeline under it.
    ["SendQueues:InstanceMessagesPerMinute"] = "600000",
    ["SendQueues:MaxRecipients"] = "100000",
    ["Logging:LogLevel:Default"] = "Warning",
})
{
    start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
}
using var silo = Process.Start(start)!;
silo.OutputDataReceived += (_, _) => { };
silo.ErrorDataReceived += (_, line) => { if (line.Data is not null) Console.Error.WriteLine(line.Data); };
silo.BeginOutputReadLine();
silo.BeginErrorReadLine();
using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
api.DefaultRequestHeaders.Add("apikey", ApiKey);
try
{
    await UntilAsync(async () => (await TryGetAsync("health/ready")) == HttpStatusCode.OK, TimeSpan.FromMinutes(3), "the silo to be ready");
    var names = Enumerable.Range(0, instances).Select(i => $"bench-{i:D3}").ToList();
    foreach (var name in names)
        await OpenAsync(name);
    var recipients = names.ToDictionary(n => n, _ => Enumerable.Range(0, recipientsPerInstance).Select(_ => emulator.Emulator.CreateAccount().Phone).ToList());

    var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
    var clock = Stopwatch.StartNew();
    var queues = await Task.WhenAll(names.Select(async name =>
    {
        using var response = await api.PostAsJsonAsync($"message/sendText/{name}", new { numbers = recipients[name], textMessage = new { text = "bench" } });
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"{name}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (name, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queue").GetProperty("queueId").GetString()!);
    }));
    await UntilAsync(async () =>
    {
        foreach (var (name, queue) in queues)
        {
            if (await TryGetAsync($"message/queue/{name}?queueId={queue}") != HttpStatusCode.NotFound)
                return false;
        }
        return true;
    }, TimeSpan.FromMinutes(30), "every mailing to complete");
    var elapsed = clock.Elapsed;
    var total = instances * recipientsPerInstance;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{instances} instance(s) × {recipientsPerInstance} recipients = {total} messages in {elapsed.TotalSeconds:F1} s: {total / elapsed.TotalSeconds:F1} recipients/s (load before {string.Join(' ', load)}, after {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3])})"));
}
finally
{
    silo.Kill(entireProcessTree: true);
    await silo.WaitForExitAsync();
    Directory.Delete(dataPath, recursive: true);
}

async Task OpenAsync(string name)
{
    using (var created = await api.PostAsJsonAsync("instance/create", new { instanceName = name }))
    {
        if (created.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"create {name}: {created.StatusCode}");
    }
    string? code = null;
    await UntilAsync(async () =>
    {
        var connect = await api.GetFromJsonAsync<JsonElement>($"instance/connect/{name}");
        code = connect.TryGetProperty("code", out var qr) && qr.ValueKind == JsonValueKind.String ? qr.GetString() : null;
        return code is not null;
    }, TimeSpan.FromMinutes(2), $"a QR code for {name}");
    await emulator.Emulator.ScanQrAsync(code!, emulator.Emulator.CreateAccount(pushName: name));
    await UntilAsync(async () => (await api.GetFromJsonAsync<JsonElement>($"instance/connectionState/{name}")).GetProperty("state").GetString() == "open",
        TimeSpan.FromMinutes(2), $"{name} to open");
}

async Task<HttpStatusCode?> TryGetAsync(string path)
{
    try
    {
        using var response = await api.GetAsync(path);
        return response.StatusCode;
    }
    catch (HttpRequestException)
    {
        return null;
    }
}

static async Task UntilAsync(Func<Task<bool>> done, TimeSpan timeout, string what)
{
    var deadline = DateTime.UtcNow + timeout;
    while (!await done())
    {
        if (DateTime.UtcNow > deadline)
            throw new TimeoutException($"Waited {timeout} for {what}.");
        await Task.Delay(100);
    }
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
