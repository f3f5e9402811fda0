namespace CodeChat.Grains.Abstractions.Queues;

/// <summary>
/// One mailing (a send route called with <c>numbers</c>, api-contract.md §2): the same message to
/// many recipients, one at a time through the instance's send pipeline. Keyed by
/// <see cref="SendQueueKeys.Of"/> (instance name and queue id), so a queue id is only ever found
/// through the instance it belongs to. The queue's state is durable: a queue whose silo died
/// resumes from its cursor on another silo.
/// </summary>
[Alias("CodeChat.ISendQueueGrain")]
public interface ISendQueueGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores the mailing with <c>send.message:START</c> and starts it; the answer comes once both are
    /// durable. A queue started already answers with its current view (the start is not repeated).
    /// </summary>
    [Alias("Start")]
    Task<SendQueueResult> StartAsync(StartSendQueueCommand command, CancellationToken cancellationToken = default);

    /// <summary>The queue's progress and per-recipient outcomes; <see cref="SendQueueOutcome.QueueNotFound"/> once it completed or was deleted.</summary>
    [Alias("Get")]
    Task<SendQueueResult> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops sending after the send under way (if any) ended, with <c>paused.queue</c>.</summary>
    [Alias("Pause")]
    Task<SendQueueResult> PauseAsync(CancellationToken cancellationToken = default);

    /// <summary>Goes on from the cursor, with <c>resumed.queue</c>.</summary>
    [Alias("Resume")]
    Task<SendQueueResult> ResumeAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops for good and forgets the queue, with <c>deleted.queue</c>.</summary>
    [Alias("Delete")]
    Task<SendQueueResult> DeleteAsync(CancellationToken cancellationToken = default);
}

/// <summary>The grain key of a send queue: the instance name (which never contains '/') and the queue id.</summary>
public static class SendQueueKeys
{
    public static string Of(string instanceName, Guid queueId) => $"{instanceName}/{queueId:D}";

    /// <summary>Splits a key made by <see cref="Of"/>.</summary>
    public static (string InstanceName, Guid QueueId) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.LastIndexOf('/');
        if (slash <= 0 || !Guid.TryParseExact(key[(slash + 1)..], "D", out var queueId))
            throw new ArgumentException($"'{key}' is not a send queue key.", nameof(key));
        return (key[..slash], queueId);
    }
}
