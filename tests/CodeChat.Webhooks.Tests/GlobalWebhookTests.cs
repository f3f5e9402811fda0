using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CodeChat.Grains.Webhooks;
using CodeChat.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CodeChat.Webhooks.Tests;

/// <summary>
/// The global webhook from configuration (its own URL, secret and event filter) beside an instance's
/// own, and the delivery metrics both feed, through a real silo and a real receiver.
/// </summary>
public sealed class GlobalWebhookTests(PostgresServerFixture postgres) : IAsyncLifetime
{
    private const string GlobalSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private WebhookReceiver _receiver = null!;
    private WebhookSilo _silo = null!;

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _silo = new WebhookSilo(await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken), new Dictionary<string, string?>
        {
            ["Webhooks:Global:Url"] = _receiver.Url("global"),
            ["Webhooks:Global:Secret"] = GlobalSecret,
            ["Webhooks:Global:Events:connectionUpdated"] = "true",
        });
        _silo.CreateClient().Dispose(); // starts the host
    }

    public async ValueTask DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private static bool ToGlobal(ReceivedWebhook webhook) => webhook.Path == "/global";

    [Fact]
    public async Task The_global_webhook_gets_only_its_events_signed_with_its_secret_beside_the_instance_webhook()
    {
        var name = "gl-" + Guid.NewGuid().ToString("N")[..10];
        var (id, _) = await _silo.CreateInstanceAsync(name);
        var (status, set) = await _silo.SetWebhookAsync(name, $$"""{"url":"{{_receiver.Url(name)}}","enabled":true}""");
        Assert.Equal(201, status);
        var instanceSecret = set.GetProperty("secret").GetString()!;

        var qr = await _silo.AppendAsync(name, id, "qrcode.updated", """{"qrcode":{"code":null,"base64":null},"count":1}""");
        var open = await _silo.AppendAsync(name, id, "connection.update", $$"""{"instance":"{{name}}","state":"open","statusReason":200}""");

        await _receiver.WaitUntilAsync(all => all.Any(r => ToGlobal(r) && r.Instance == name && r.Sequence == open.Sequence)
            && all.Count(r => !ToGlobal(r) && r.Instance == name && r.Accepted) >= 2, Patience, "both webhooks");
        var global = _receiver.AcceptedFor(name).Where(ToGlobal).ToList();
        var own = _receiver.AcceptedFor(name).Where(r => !ToGlobal(r)).ToList();
        Assert.Equal([open.Sequence], global.Select(r => r.Sequence));
        Assert.Equal([qr.Sequence, open.Sequence], own.Select(r => r.Sequence));
        Assert.True(SignatureVerifier.Verify(GlobalSecret, global[0].Headers, global[0].Body));
        Assert.False(SignatureVerifier.Verify(instanceSecret, global[0].Headers, global[0].Body));
        Assert.True(SignatureVerifier.Verify(instanceSecret, own[1].Headers, own[1].Body));
        Assert.Equal(id, global[0].Envelope.GetProperty("instance").GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Deliveries_retries_and_dead_letters_are_counted_with_their_endpoint_and_timed()
    {
        using var metrics = new WebhookMetricsRecorder(_silo.Services.GetRequiredService<IMeterFactory>());
        var name = "gm-" + Guid.NewGuid().ToString("N")[..10];
        var (id, _) = await _silo.CreateInstanceAsync(name);
        Assert.Equal(201, (await _silo.SetWebhookAsync(name, $$"""{"url":"{{_receiver.Url(name)}}","enabled":true}""")).Status);
        // The instance endpoint fails the first event once, then refuses the second for good; the global
        // endpoint takes only connection.update, which the third event is.
        var attempts = 0;
        _receiver.Responder = webhook => ToGlobal(webhook) || webhook.Instance != name
            ? (200, null)
            : webhook.Sequence switch
            {
                1 => Interlocked.Increment(ref attempts) == 1 ? (503, null) : (200, null),
                2 => (400, null),
                _ => (200, null),
            };

        await _silo.AppendAsync(name, id, "new.message", """{"header":{"messageId":"M1"}}""");
        await _silo.AppendAsync(name, id, "new.message", """{"header":{"messageId":"M2"}}""");
        var last = await _silo.AppendAsync(name, id, "connection.update", $$"""{"instance":"{{name}}","state":"open","statusReason":200}""");
        await _receiver.WaitUntilAsync(all => all.Count(r => r.Instance == name && r.Sequence == last.Sequence && r.Accepted) >= 2, Patience, "the last event on both endpoints");
        // The receiver logs a POST before it answers; the line counts it after the answer.
        await metrics.WaitUntilAsync(m => m.Count("codechat.webhooks.delivered") >= 3, Patience);

        Assert.Equal(2, metrics.Count("codechat.webhooks.delivered", "endpoint", "instance"));
        Assert.Equal(1, metrics.Count("codechat.webhooks.delivered", "endpoint", "global"));
        Assert.Equal(1, metrics.Count("codechat.webhooks.retried", "endpoint", "instance"));
        Assert.Equal(1, metrics.Count("codechat.webhooks.dead_lettered", "endpoint", "instance"));
        Assert.Equal(0, metrics.Count("codechat.webhooks.dead_lettered", "endpoint", "global"));
        Assert.Equal(5, metrics.Measurements("codechat.webhooks.attempt.duration").Count); // 4 instance POSTs, 1 global
        Assert.Equal(3, metrics.Measurements("codechat.webhooks.delivery.lag").Count);
        Assert.All(metrics.Measurements("codechat.webhooks.delivery.lag"), lag => Assert.True(lag >= 0, $"lag {lag} ms"));
    }

    /// <summary>Records this silo's webhook measurements (its meter factory tells it from other silos in the test process).</summary>
    private sealed class WebhookMetricsRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

        public WebhookMetricsRecorder(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Meter.Name == WebhookMetrics.MeterName)
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.Start();
        }

        public List<double> Measurements(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument).Select(m => m.Value)];

        public long Count(string instrument, string? tag = null, string? value = null) => (long)_measurements
            .Where(m => m.Instrument == instrument && (tag is null || m.Tags.Any(t => t.Key == tag && Equals(t.Value, value))))
            .Sum(m => m.Value);

        public async Task WaitUntilAsync(Func<WebhookMetricsRecorder, bool> condition, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!condition(this))
            {
                Assert.True(DateTime.UtcNow < deadline, "the measurements never arrived");
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
