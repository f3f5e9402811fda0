namespace CodeChat.Grains.Abstractions.Queues;

/// <summary>How a queue call ended, with the queue as it is now when there is one.</summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.SendQueueResult")]
public sealed record SendQueueResult(
    [property: Id(0)] SendQueueOutcome Outcome,
    [property: Id(1)] SendQueueView? Queue = null,
    [property: Id(2)] int? MaxRecipients = null)
{
    public static SendQueueResult Of(SendQueueOutcome outcome) => new(outcome);
}

[GenerateSerializer]
[Alias("CodeChat.SendQueueOutcome")]
public enum SendQueueOutcome
{
    /// <summary>Done; <see cref="SendQueueResult.Queue"/> is the queue now.</summary>
    Done = 0,
    /// <summary>The instance does not exist.</summary>
    InstanceNotFound = 1,
    /// <summary>The instance's WhatsApp connection is not open: nothing was stored.</summary>
    NotConnected = 2,
    /// <summary>No such queue (never made, completed, or deleted).</summary>
    QueueNotFound = 3,
    /// <summary>More recipients than <c>SendQueues:MaxRecipients</c> (<see cref="SendQueueResult.MaxRecipients"/>): nothing was stored.</summary>
    TooManyRecipients = 4,
}

/// <summary>Where a queue is: running or paused while it exists; completed and deleted queues are cleared.</summary>
[GenerateSerializer]
[Alias("CodeChat.SendQueueStatus")]
public enum SendQueueStatus : short
{
    Running = 0,
    Paused = 1,
    Completed = 2,
    Deleted = 3,
}

/// <summary>Where one recipient of a mailing is.</summary>
[GenerateSerializer]
[Alias("CodeChat.RecipientOutcome")]
public enum RecipientOutcome : short
{
    /// <summary>Not reached yet.</summary>
    Waiting = 0,
    /// <summary>The intent is recorded with its message id; the send has begun or is about to.</summary>
    Sending = 1,
    /// <summary>WhatsApp's server acked the message.</summary>
    Sent = 2,
    /// <summary>Stored and on its way (the ack did not come within the send timeout); the instance sends it on durably.</summary>
    Accepted = 3,
    /// <summary>Could not be sent (not on WhatsApp, refused…): <c>send.message:ERROR</c> said why; the mailing went on.</summary>
    Failed = 4,
}

/// <summary>A queue as the API shows it (the QueueModel with per-recipient results).</summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.SendQueueView")]
public sealed record SendQueueView(
    [property: Id(0)] Guid QueueId,
    [property: Id(1)] string InstanceName,
    [property: Id(2)] SendQueueStatus Status,
    [property: Id(3)] int Progress,
    [property: Id(4)] string MessageType,
    [property: Id(5)] string ContentJson,
    [property: Id(6)] IReadOnlyList<SendQueueRecipientView> Recipients,
    [property: Id(7)] string? InstanceConnectedId,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset UpdatedAt);

/// <summary>One recipient: the number as given, the JID it was sent to, the message id it gets, where it is, and why it failed.</summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.SendQueueRecipientView")]
public sealed record SendQueueRecipientView(
    [property: Id(0)] string Number,
    [property: Id(1)] string Jid,
    [property: Id(2)] string MessageId,
    [property: Id(3)] RecipientOutcome Outcome,
    [property: Id(4)] string? Error);
