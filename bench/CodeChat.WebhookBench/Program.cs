using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using CodeChat.Api.Cluster;
using CodeChat.Grains;
using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Events;
using CodeChat.Silo.Hosting;
using CodeChat.Silo.Secrets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// Webhook delivery on loopback: the product's silo (embedded PostgreSQL in a temporary folder unless
// ConnectionStrings__CodeChat is set) delivering to a Kestrel receiver in this process.
//   dotnet run -c Release --project bench/CodeChat.WebhookBench -- [--rate 1000] [--seconds 10] [--warmup 3] [--burst 10000] [--instances 20]
var options = BenchOptions.Parse(args);
var dataPath = Directory.CreateTempSubdirectory("codechat-webhook-bench-").FullName;
var received = new ConcurrentDictionary<Guid, long>();

var receiverBuilder = WebApplication.CreateSlimBuilder();
receiverBuilder.Logging.ClearProviders();
receiverBuilder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
await using var receiver = receiverBuilder.Build();
receiver.MapPost("/{instance}", (HttpContext context) =>
{
    received.TryAdd(Guid.Parse(context.Request.Headers["webhook-id"].ToString()), Stopwatch.GetTimestamp());
    return Results.Ok();
});
await receiver.StartAsync();
var receiverUrl = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["CodeChat:DataPath"] = dataPath,
    [CodeChatClusterOptions.SiloPortKey] = "0",
    [CodeChatClusterOptions.GatewayPortKey] = "0",
    ["Webhooks:AllowedNetworks:0"] = "127.0.0.0/8",
});
builder.AddCodeChatDatabase();
// The stores encrypt secrets at rest; embedded mode generates the master key into the data folder.
builder.AddCodeChatSecrets();
builder.UseOrleans(silo => silo.UseCodeChatCluster());
builder.Services.AddCodeChatGrains();
using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();
var sink = host.Services.GetRequiredService<IInstanceEventSink>();
try
{
    var instances = Enumerable.Range(0, options.Instances).Select(i => $"bench-{i:D3}").ToArray();
    foreach (var (name, index) in instances.Select((name, index) => (name, index)))
    {
        var set = await grains.GetGrain<IWebhookDispatcherGrain>(name).SetAsync(
            new WebhookSetCommand { InstanceId = index + 1, Url = $"{receiverUrl}/{name}", Enabled = true });
        if (set.Outcome != WebhookSetOutcome.Saved)
            throw new InvalidOperationException(set.Problem);
    }

    // 1. Latency at a steady rate: enqueue → receive. The first --warmup seconds run at the same rate
    // but are reported apart: they pay for JIT tiering, grain activations, the HTTP connections of
    // every line and the growth of the database pool, which a long-running gateway pays once.
    var warmup = await SteadyAsync(instances, options.Rate, options.Warmup);
    var steady = await SteadyAsync(instances, options.Rate, options.Seconds);
    Report($"warm-up {options.Rate} events/s for {options.Warmup} s (cold process, reported apart)", warmup);
    Report($"steady {options.Rate} events/s for {options.Seconds} s over {options.Instances} instances", steady);

    // 2. Throughput: a burst appended as fast as possible, delivered on every line at once.
    var burst = new ConcurrentDictionary<Guid, long>();
    var burstClock = Stopwatch.StartNew();
    await Task.WhenAll(instances.Select((name, index) => Task.Run(async () =>
    {
        for (var n = index; n < options.Burst; n += instances.Length)
            await AppendAsync(name, index + 1, n, burst);
    })));
    var appended = burstClock.Elapsed;
    await WaitForAsync(() => burst.Keys.All(received.ContainsKey), TimeSpan.FromSeconds(600));
    var delivered = burstClock.Elapsed;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"burst of {options.Burst} events over {options.Instances} instances: appended in {appended.TotalSeconds:F1} s, all delivered after {delivered.TotalSeconds:F1} s = {options.Burst / delivered.TotalSeconds:F0} deliveries/s"));
}
finally
{
    await host.StopAsync();
    Directory.Delete(dataPath, recursive: true);
}

// Appends one event per 1/rate seconds, round robin over the instances, and waits until each arrived.
async Task<Window> SteadyAsync(string[] instances, int rate, int seconds)
{
    var sent = new ConcurrentDictionary<Guid, (long Started, long Appended)>();
    var total = rate * seconds;
    var interval = TimeSpan.FromSeconds(1.0 / rate);
    var clock = Stopwatch.StartNew();
    var appends = new List<Task>();
    for (var n = 0; n < total; n++)
    {
        var due = interval * n;
        if (due > clock.Elapsed)
            await Task.Delay(due - clock.Elapsed);
        var instance = n % instances.Length;
        appends.Add(AppendTimedAsync(instances[instance], instance + 1, n, sent));
    }

    await Task.WhenAll(appends);
    await WaitForAsync(() => sent.Keys.All(received.ContainsKey), TimeSpan.FromSeconds(120));
    double[] Sorted(Func<KeyValuePair<Guid, (long Started, long Appended)>, double> of) => sent.Select(of).Order().ToArray();
    return new Window(
        Sorted(pair => Stopwatch.GetElapsedTime(pair.Value.Started, received[pair.Key]).TotalMilliseconds),
        Sorted(pair => Stopwatch.GetElapsedTime(pair.Value.Started, pair.Value.Appended).TotalMilliseconds),
        Sorted(pair => Stopwatch.GetElapsedTime(pair.Value.Appended, received[pair.Key]).TotalMilliseconds));
}

async Task AppendTimedAsync(string instance, long instanceId, int n, ConcurrentDictionary<Guid, (long Started, long Appended)> sent)
{
    var started = Stopwatch.GetTimestamp();
    var record = await sink.AppendAsync(Draft(instance, instanceId, n));
    sent[record.Id] = (started, Stopwatch.GetTimestamp());
}

async Task AppendAsync(string instance, long instanceId, int n, ConcurrentDictionary<Guid, long> sent)
{
    var started = Stopwatch.GetTimestamp();
    var record = await sink.AppendAsync(Draft(instance, instanceId, n));
    sent[record.Id] = started;
}

static InstanceEventDraft Draft(string instance, long instanceId, int n) => new(instance, instanceId, null, "new.message",
    "{\"header\":{\"messageId\":\"B" + n + "\"},\"body\":{\"messageType\":\"conversation\",\"message\":{\"conversation\":\"bench\"}}}");

// The whole path (append call → receiver), then its two halves: the outbox append (a grouped commit)
// and append → receive (wake-up, dispatcher, signing, the POST).
static void Report(string label, Window window) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{label}: enqueue→receive p50 {Percentile(window.Total, 0.50):F1} ms, p99 {Percentile(window.Total, 0.99):F1} ms, p99.9 {Percentile(window.Total, 0.999):F1} ms, max {window.Total[^1]:F1} ms; " +
    $"of which the append p50 {Percentile(window.Append, 0.50):F1} / p99 {Percentile(window.Append, 0.99):F1} ms and append→receive p50 {Percentile(window.Delivery, 0.50):F1} / p99 {Percentile(window.Delivery, 0.99):F1} ms"));

static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
{
    var deadline = DateTime.UtcNow + timeout;
    while (!condition())
    {
        if (DateTime.UtcNow > deadline)
            throw new TimeoutException("Not every event arrived in time.");
        await Task.Delay(20);
    }
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

internal sealed record Window(double[] Total, double[] Append, double[] Delivery);

internal sealed record BenchOptions(int Rate, int Seconds, int Warmup, int Burst, int Instances)
{
    public static BenchOptions Parse(string[] args)
    {
        int Value(string name, int fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
        }

        return new BenchOptions(Value("--rate", 1000), Value("--seconds", 10), Value("--warmup", 3), Value("--burst", 10_000), Value("--instances", 20));
    }
}
