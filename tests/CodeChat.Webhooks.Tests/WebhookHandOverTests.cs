using System.Diagnostics.Metrics;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Events;
using CodeChat.Grains.Storage;
using CodeChat.Grains.Webhooks;
using CodeChat.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CodeChat.Webhooks.Tests;

/// <summary>
/// Events handed to the dispatcher at append time (the outbox sink does that): a line kept fed by them
/// delivers without reading the outbox, and a hand-over that is not the line's next event neither
/// skips the events before it nor delivers one twice. The silo's sweeper runs only at start, so
/// nothing but the hand-over and the line's own reads can bring an event.
/// </summary>
public sealed class WebhookHandOverTests(WebhookHandOverTests.QuietSweeperSilo fixture)
    : IClassFixture<WebhookHandOverTests.QuietSweeperSilo>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private WebhookReceiver _receiver = null!;

    private WebhookSilo Silo => fixture.Silo;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_line_fed_by_hand_overs_delivers_without_reading_the_outbox()
    {
        var (name, id) = await InstanceWithDeliveredFirstEventAsync();
        using var reads = new OutboxReadCounter(Silo.Services.GetRequiredService<IMeterFactory>());

        const int Events = 40;
        for (var n = 2; n <= Events + 1; n++)
        {
            await Silo.AppendAsync(name, id, "new.message", Message(n));
            var expected = n;
            await _receiver.WaitUntilAsync(_ => _receiver.AcceptedFor(name).Count() >= expected, Patience, $"event {n}");
        }

        Assert.Equal(Enumerable.Range(1, Events + 1).Select(n => (long)n), _receiver.AcceptedFor(name).Select(r => r.Sequence));
        // Reading the outbox for each event would be 40 reads or more; a step that failed and started
        // over would read once, so a handful is tolerated.
        Assert.True(reads.Count < 5, $"{reads.Count} outbox reads for {Events} events handed over one at a time");
    }

    [Fact]
    public async Task A_hand_over_ahead_of_the_line_or_behind_it_neither_skips_nor_repeats_an_event()
    {
        var (name, id) = await InstanceWithDeliveredFirstEventAsync();
        var outbox = Silo.Services.GetRequiredService<PostgresInstanceEventStore>();
        var dispatcher = Silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IWebhookDispatcherGrain>(name);
        var ct = TestContext.Current.CancellationToken;

        // Appended without a wake-up (as inside another transaction), then only the last one handed over.
        var quiet = new List<InstanceEventRecord>();
        for (var n = 2; n <= 4; n++)
            quiet.Add(await outbox.AppendAsync(new InstanceEventDraft(name, id, null, "new.message", Message(n)), ct));
        await dispatcher.DeliverAsync(quiet[^1]);
        await _receiver.WaitUntilAsync(_ => _receiver.AcceptedFor(name).Count() >= 4, Patience, "events 2 to 4");

        // Handed over again after delivery: nothing is delivered twice.
        await dispatcher.DeliverAsync(quiet[0]);
        await dispatcher.DeliverAsync(quiet[^1]);
        await Silo.AppendAsync(name, id, "new.message", Message(5));
        await _receiver.WaitUntilAsync(_ => _receiver.AcceptedFor(name).Any(r => r.Sequence == 5), Patience, "event 5");

        Assert.Equal([1L, 2, 3, 4, 5], _receiver.AcceptedFor(name).Select(r => r.Sequence));
    }

    [Fact]
    public async Task A_backlog_longer_than_one_outbox_read_is_delivered_whole_after_a_hand_over_of_its_last_event()
    {
        var (name, id) = await InstanceWithDeliveredFirstEventAsync();
        var outbox = Silo.Services.GetRequiredService<PostgresInstanceEventStore>();
        var ct = TestContext.Current.CancellationToken;

        // More than a line reads at once (256): the line must read again after the first batch.
        InstanceEventRecord last = null!;
        for (var n = 2; n <= 301; n++)
            last = await outbox.AppendAsync(new InstanceEventDraft(name, id, null, "new.message", Message(n)), ct);
        await Silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IWebhookDispatcherGrain>(name).DeliverAsync(last);

        await _receiver.WaitUntilAsync(_ => _receiver.AcceptedFor(name).Count() >= 301, Patience, "events 2 to 301");
        Assert.Equal(Enumerable.Range(1, 301).Select(n => (long)n), _receiver.AcceptedFor(name).Select(r => r.Sequence));
    }

    [Fact]
    public async Task A_line_that_filters_events_out_still_delivers_without_reading_the_outbox()
    {
        var (name, id) = await InstanceWithDeliveredFirstEventAsync("""
            ,"events":{"newMessage":true}
            """);
        using var reads = new OutboxReadCounter(Silo.Services.GetRequiredService<IMeterFactory>());

        const int Pairs = 20;
        for (var n = 1; n <= Pairs; n++)
        {
            await Silo.AppendAsync(name, id, "presence.update", """{"id":"5511999990002@s.whatsapp.net","presences":{}}""");
            await Silo.AppendAsync(name, id, "new.message", Message(n));
            var expected = n + 1;
            await _receiver.WaitUntilAsync(_ => _receiver.AcceptedFor(name).Count() >= expected, Patience, $"message {n}");
        }

        var received = _receiver.AcceptedFor(name).ToList();
        Assert.All(received, r => Assert.Equal("new.message", r.Event));
        // The first event is 1, then presence.update takes the odd sequences and new.message the even.
        Assert.Equal(Enumerable.Range(0, Pairs + 1).Select(n => n == 0 ? 1L : 1 + 2 * n), received.Select(r => r.Sequence));
        Assert.True(reads.Count < 5, $"{reads.Count} outbox reads for {Pairs} filtered and {Pairs} delivered events handed over");
    }

    private async Task<(string Name, long Id)> InstanceWithDeliveredFirstEventAsync(string eventsJson = "")
    {
        var name = "ho-" + Guid.NewGuid().ToString("N")[..10];
        var (id, _) = await Silo.CreateInstanceAsync(name);
        Assert.Equal(201, (await Silo.SetWebhookAsync(name, $$"""{"url":"{{_receiver.Url(name)}}","enabled":true{{eventsJson}}}""")).Status);
        // The first event reaches a line whose state is not loaded yet: it is read from the outbox.
        await Silo.AppendAsync(name, id, "new.message", Message(1));
        await _receiver.WaitUntilAsync(_ => _receiver.AcceptedFor(name).Count() >= 1, Patience, "the first event");
        return (name, id);
    }

    private static string Message(int n) =>
        "{\"header\":{\"messageId\":\"H" + n + "\",\"fromMe\":false},\"body\":{\"messageType\":\"conversation\",\"message\":{\"conversation\":\"hand-over " + n + "\"}}}";

    /// <summary>Counts this silo's outbox reads (its meter factory tells it from other silos in the test process).</summary>
    private sealed class OutboxReadCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public OutboxReadCounter(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Meter.Name == WebhookMetrics.MeterName
                    && instrument.Name == "codechat.webhooks.outbox.reads")
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>A silo whose outbox sweeper runs once at start and then not for an hour.</summary>
    public sealed class QuietSweeperSilo(PostgresServerFixture postgres) : WebhookSiloFixture(postgres)
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } =
            new Dictionary<string, string?> { ["Webhooks:SweepInterval"] = "01:00:00" };
    }
}
