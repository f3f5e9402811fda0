using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Events;
using CodeChat.Grains.Storage;
using CodeChat.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CodeChat.Session.Tests;

/// <summary>
/// A state change and its event are one transaction: the silo dies after the instance record was
/// written and before its event reached <c>instance_events</c>, and after a restart both are there.
/// </summary>
public sealed class InstanceOutboxCrashTests(PostgresServerFixture postgres, EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_crash_between_the_record_write_and_the_outbox_append_loses_neither()
    {
        var database = await postgres.CreateDatabaseAsync(Ct);
        const string name = "outbox-crash";

        await using (var crashing = new SessionHost(database, emulator.Server, services: CrashBeforeConnectionEvents))
        {
            await crashing.CreateInstanceAsync(name);
            // Connect writes "connecting" (epoch 1) and then dies on the way to the outbox.
            var (status, _) = await crashing.GetAsync($"/instance/connect/{name}");
            Assert.Equal(500, status);
            Assert.Empty(await crashing.EventsAsync(name));
            // What a restart finds: the record says the session was started and wanted.
            Assert.Equal("connecting", (await crashing.ConnectionStateAsync(name)).State);
        }

        // The restarted silo resumes the instance; its activation relays the event the record carried,
        // then ends the interrupted QR run (a second event), and nothing is appended twice.
        await using var restarted = new SessionHost(database, emulator.Server);
        var events = await WaitForEventsAsync(restarted, name, count: 2);
        Assert.Equal(["connecting", "close"], events.Select(e => StateOf(e)));
        Assert.Equal([1L, 2L], events.Select(e => e.Sequence));
        Assert.Equal("close", (await restarted.ConnectionStateAsync(name)).State);
    }

    private static void CrashBeforeConnectionEvents(IServiceCollection services) =>
        services.AddSingleton<IInstanceEventSink>(provider => new CrashingEventSink(
            provider.GetRequiredService<PostgresInstanceEventStore>(), InstanceEventNames.ConnectionUpdate));

    private static async Task<IReadOnlyList<InstanceEventRecord>> WaitForEventsAsync(SessionHost host, string name, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        IReadOnlyList<InstanceEventRecord> events = [];
        while (DateTime.UtcNow < deadline)
        {
            events = await host.EventsAsync(name);
            if (events.Count >= count)
            {
                // Anything appended twice would show up as a third row soon after; give it the same chance a wake would.
                await Task.Delay(TimeSpan.FromSeconds(1), Ct);
                return await host.EventsAsync(name);
            }
            await Task.Delay(200, Ct);
        }
        Assert.Fail($"Instance {name} has {events.Count} events instead of {count}.");
        return events;
    }

    private static string? StateOf(InstanceEventRecord record) =>
        System.Text.Json.JsonDocument.Parse(record.DataJson).RootElement.GetProperty("state").GetString();

    /// <summary>The injected crash: the silo "dies" exactly where the outbox append would run, for one event name.</summary>
    private sealed class CrashingEventSink(IInstanceEventSink inner, string crashOn) : IInstanceEventSink
    {
        public Task<InstanceEventRecord> AppendAsync(InstanceEventDraft draft, CancellationToken cancellationToken = default) =>
            draft.Event == crashOn
                ? throw new IOException("Injected crash between the record write and the outbox append.")
                : inner.AppendAsync(draft, cancellationToken);
    }
}
