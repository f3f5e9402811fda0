using CodeChat.Grains.Abstractions.Events;
using Orleans.Concurrency;

namespace CodeChat.Grains.Abstractions.Webhooks;

/// <summary>
/// The webhook dispatcher of one instance (keyed by the instance name): the single writer of the
/// instance's webhook endpoint and the owner of its delivery lines, one per endpoint (the instance's
/// own and the global one), each with at most one delivery in flight.
/// </summary>
[Alias("CodeChat.IWebhookDispatcherGrain")]
public interface IWebhookDispatcherGrain : IGrainWithStringKey
{
    /// <summary>New events may be waiting in the outbox: drain them. Never waits for a delivery.</summary>
    [Alias("Wake")]
    [OneWay]
    [AlwaysInterleave]
    Task WakeAsync();

    /// <summary>
    /// This event was just committed to the outbox: deliver it, and whatever else waits. The record
    /// saves the line reading it back when it is the next one the line expects; the outbox stays the
    /// source of truth (a lost or out-of-order hand-over costs a read, never an event). Never waits for
    /// a delivery.
    /// </summary>
    [Alias("Deliver")]
    [OneWay]
    [AlwaysInterleave]
    Task DeliverAsync(InstanceEventRecord record);

    /// <summary>Creates or changes the instance's endpoint (<c>PUT /webhook/set</c>).</summary>
    [Alias("Set")]
    Task<WebhookSetResult> SetAsync(WebhookSetCommand command, CancellationToken cancellationToken = default);

    /// <summary>Queues events for delivery again, in sequence order, ahead of the live line.</summary>
    [Alias("Replay")]
    Task<WebhookReplayResult> ReplayAsync(WebhookReplayRequest request, CancellationToken cancellationToken = default);
}
