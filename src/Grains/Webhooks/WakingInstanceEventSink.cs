using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Events;
using CodeChat.Grains.Storage;

namespace CodeChat.Grains.Webhooks;

/// <summary>
/// Appends to the outbox, then hands the stored event to the instance's webhook dispatcher (a one-way
/// call: the event is durable already, and a lost hand-over is caught by the next sweep), which
/// delivers it without reading it back.
/// </summary>
public sealed class WakingInstanceEventSink(PostgresInstanceEventStore store, IGrainFactory grains) : IInstanceEventSink
{
    public async Task<InstanceEventRecord> AppendAsync(InstanceEventDraft draft, CancellationToken cancellationToken = default)
    {
        var record = await store.AppendAsync(draft, cancellationToken);
        await grains.GetGrain<IWebhookDispatcherGrain>(record.InstanceName).DeliverAsync(record);
        return record;
    }
}
