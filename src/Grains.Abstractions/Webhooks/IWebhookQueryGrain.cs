using CodeChat.Grains.Abstractions.Events;

namespace CodeChat.Grains.Abstractions.Webhooks;

/// <summary>Read-only questions about webhooks and the outbox, answered on any silo.</summary>
[Alias("CodeChat.IWebhookQueryGrain")]
public interface IWebhookQueryGrain : IGrainWithIntegerKey
{
    /// <summary>The endpoints of the named instances that still belong to them (by instance id).</summary>
    [Alias("FindEndpoints")]
    Task<IReadOnlyDictionary<string, WebhookEndpointView>> FindEndpointsAsync(
        IReadOnlyList<InstanceKey> instances, CancellationToken cancellationToken = default);

    [Alias("ListAttempts")]
    Task<IReadOnlyList<WebhookAttemptView>> ListAttemptsAsync(WebhookLogQuery query, CancellationToken cancellationToken = default);

    [Alias("ListDeadLetters")]
    Task<IReadOnlyList<WebhookDeadLetterView>> ListDeadLettersAsync(WebhookLogQuery query, CancellationToken cancellationToken = default);

    /// <summary>Outbox events of an instance after <paramref name="afterSequence"/>, in order.</summary>
    [Alias("ReadEvents")]
    Task<IReadOnlyList<InstanceEventRecord>> ReadEventsAsync(
        string instanceName, long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>The instance's last event sequence (0 before its first event).</summary>
    [Alias("LastSequence")]
    Task<long> LastSequenceAsync(string instanceName, CancellationToken cancellationToken = default);
}

/// <summary>An instance by name and by the id of its current incarnation (a re-created name has a new id).</summary>
[GenerateSerializer]
[Alias("CodeChat.InstanceKey")]
[Immutable]
public sealed record InstanceKey([property: Id(0)] string Name, [property: Id(1)] long Id);
