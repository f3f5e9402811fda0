using CodeChat.Grains.Abstractions.Queues;

namespace CodeChat.Grains.Queues;

/// <summary>
/// A queue as stored (deploy/sql/0130_send_queues.sql): the mailing, its status, the position of the
/// next recipient without an outcome, and the version that fences writers.
/// </summary>
public sealed record StoredSendQueue(
    Guid QueueId,
    string InstanceName,
    long InstanceId,
    string? OwnerJid,
    SendQueueStatus Status,
    byte[] Message,
    string MessageType,
    string ContentJson,
    string OptionsJson,
    int NextPosition,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<StoredRecipient> Recipients)
{
    public int Done => Recipients.Count(r => r.Outcome is not (RecipientOutcome.Waiting or RecipientOutcome.Sending));

    public int Progress => SendQueueTransition.Progress(Done, Recipients.Count);

    public SendQueueView View() => new(
        QueueId, InstanceName, Status, Progress, MessageType, ContentJson,
        [.. Recipients.Select(r => new SendQueueRecipientView(r.Number, r.Jid, r.MessageId, r.Outcome, r.Error))],
        OwnerJid, CreatedAt, UpdatedAt);
}

/// <summary>One recipient as stored: its place in the mailing, the number as given, the JID, the message id chosen for it, and its outcome.</summary>
public sealed record StoredRecipient(int Position, string Number, string Jid, string MessageId, RecipientOutcome Outcome, string? Error);
