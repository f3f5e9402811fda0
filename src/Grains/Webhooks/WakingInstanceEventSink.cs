using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Events;
using CodeChat.Grains.Storage;

namespace CodeChat.Grains.Webhooks;

/// <summary>
/// Appends to the outbox, then wakes the instance's webhook dispatcher (a one-way call: the event is
/// durable already, and a lost wake-up is caught by the next sweep).
/// </summary>
public sealed class WakingInstanceEventSink(PostgresInstanceEventStore store, IGrainFactory grains) : IInstanceEventSink
{
    public async Task<InstanceEventRecord> AppendAsync(InstanceEventDraft draft, CancellationToken cancellationToken = default)
    {
        var record = await store.AppendAsync(draft, cancellationToken);
        await grains.GetGrain<IWebhookDispatcherGrain>(record.InstanceName).WakeAsync();
        return record;
    }
}
