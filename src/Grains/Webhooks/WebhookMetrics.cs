using System.Diagnostics.Metrics;

namespace CodeChat.Grains.Webhooks;

/// <summary>
/// Webhook delivery metrics on the <c>CodeChat.Webhooks</c> meter, for any System.Diagnostics.Metrics
/// listener or exporter (OpenTelemetry, dotnet-counters). Outbox depth and the age of the oldest
/// undelivered event are this silo's view from its last sweep (<see cref="WebhookOutboxSweeper"/>).
/// </summary>
public sealed class WebhookMetrics
{
    public const string MeterName = "CodeChat.Webhooks";

    private readonly Counter<long> _delivered;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _outboxReads;
    private readonly Histogram<double> _attemptDuration;
    private readonly Histogram<double> _deliveryLag;
    private long _outboxDepth;
    private double _oldestUndeliveredSeconds;

    public WebhookMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _delivered = meter.CreateCounter<long>("codechat.webhooks.delivered", "{event}", "Events a receiver acknowledged with 2xx");
        _retried = meter.CreateCounter<long>("codechat.webhooks.retried", "{attempt}", "Failed attempts that will be retried");
        _deadLettered = meter.CreateCounter<long>("codechat.webhooks.dead_lettered", "{event}", "Events moved to the dead-letter list");
        _outboxReads = meter.CreateCounter<long>("codechat.webhooks.outbox.reads", "{read}",
            "Outbox reads by delivery lines: a line fed by the events handed to it reads only to start or catch up");
        _attemptDuration = meter.CreateHistogram<double>("codechat.webhooks.attempt.duration", "ms", "Time from sending a POST to its answer");
        _deliveryLag = meter.CreateHistogram<double>("codechat.webhooks.delivery.lag", "ms", "Time from recording an event to its acknowledged delivery");
        meter.CreateObservableGauge("codechat.webhooks.outbox.depth", () => Interlocked.Read(ref _outboxDepth), "{event}",
            "Events recorded but not yet delivered, filtered out or dead-lettered, over every line");
        meter.CreateObservableGauge("codechat.webhooks.outbox.oldest_age", () => Volatile.Read(ref _oldestUndeliveredSeconds), "s",
            "Age of the oldest undelivered event");
    }

    public void Delivered(string endpoint, string eventName, TimeSpan lag)
    {
        _delivered.Add(1, Tag("endpoint", endpoint), Tag("event", eventName));
        _deliveryLag.Record(lag.TotalMilliseconds, Tag("endpoint", endpoint));
    }

    public void Retried(string endpoint) => _retried.Add(1, Tag("endpoint", endpoint));

    public void DeadLettered(string endpoint) => _deadLettered.Add(1, Tag("endpoint", endpoint));

    public void OutboxRead() => _outboxReads.Add(1);

    public void Attempted(string endpoint, string outcome, TimeSpan duration) =>
        _attemptDuration.Record(duration.TotalMilliseconds, Tag("endpoint", endpoint), Tag("outcome", outcome));

    public void Outbox(long depth, TimeSpan oldest)
    {
        Interlocked.Exchange(ref _outboxDepth, depth);
        Volatile.Write(ref _oldestUndeliveredSeconds, oldest.TotalSeconds);
    }

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);
}
