using System.Text.Json;
using System.Text.Json.Serialization;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Abstractions.Queues;

namespace CodeChat.Api.Messages;

/// <summary>
/// v3's QueueModel (api-contract.md §2, codechat-api.md Appendix B): <c>{queue{queueId, status,
/// progress}, data{message{messageType, message}, jids[], messagesIds[]}, instanceConnectedId}</c>.
/// </summary>
public sealed record SendQueueResponse(SendQueueSummary Queue, SendQueueMailing Data, string? InstanceConnectedId)
{
    public static SendQueueResponse From(SendQueueView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new SendQueueResponse(SendQueueSummary.From(view), SendQueueMailing.From(view), view.InstanceConnectedId);
    }

    /// <summary>A queue status as the API spells it.</summary>
    public static string StatusName(SendQueueStatus status) => status switch
    {
        SendQueueStatus.Running => "RUNNING",
        SendQueueStatus.Paused => "PAUSED",
        SendQueueStatus.Completed => "COMPLETED",
        SendQueueStatus.Deleted => "DELETED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown queue status."),
    };

    /// <summary>A recipient's outcome as the API spells it: WAITING, SENDING, or the message status it ended with.</summary>
    public static string OutcomeName(RecipientOutcome outcome) => outcome switch
    {
        RecipientOutcome.Waiting => "WAITING",
        RecipientOutcome.Sending => "SENDING",
        RecipientOutcome.Sent => MessageStatusNames.Of(MessageStatus.ServerAck),
        RecipientOutcome.Accepted => MessageStatusNames.Of(MessageStatus.Pending),
        RecipientOutcome.Failed => MessageStatusNames.Of(MessageStatus.Error),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown recipient outcome."),
    };
}

/// <summary>QueueModel's <c>queue</c>: the id, RUNNING/PAUSED/DELETED, and the percentage of recipients with an outcome.</summary>
public sealed record SendQueueSummary(Guid QueueId, string Status, int Progress)
{
    public static SendQueueSummary From(SendQueueView view) => new(view.QueueId, SendQueueResponse.StatusName(view.Status), view.Progress);
}

/// <summary>QueueModel's <c>data</c>: the message (type and body) and, in mailing order, each recipient's JID and message id.</summary>
public sealed record SendQueueMailing(SendQueueMessage Message, IReadOnlyList<string> Jids, IReadOnlyList<string> MessagesIds)
{
    public static SendQueueMailing From(SendQueueView view)
    {
        using var content = JsonDocument.Parse(view.ContentJson);
        return new SendQueueMailing(
            new SendQueueMessage(view.MessageType, content.RootElement.Clone()),
            [.. view.Recipients.Select(r => r.Jid)],
            [.. view.Recipients.Select(r => r.MessageId)]);
    }
}

/// <summary>The mailing's message: its type and its body (protobuf JSON).</summary>
public sealed record SendQueueMessage(string MessageType, JsonElement Message);

/// <summary>The queue routes' answer: the QueueModel plus each recipient's result and the queue's times.</summary>
public sealed record SendQueueStatusResponse(
    SendQueueSummary Queue,
    SendQueueMailing Data,
    string? InstanceConnectedId,
    IReadOnlyList<SendQueueRecipientResponse> Recipients,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static SendQueueStatusResponse From(SendQueueView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new SendQueueStatusResponse(
            SendQueueSummary.From(view), SendQueueMailing.From(view), view.InstanceConnectedId,
            [.. view.Recipients.Select(r => new SendQueueRecipientResponse(r.Number, r.Jid, r.MessageId, SendQueueResponse.OutcomeName(r.Outcome), r.Error))],
            view.CreatedAt, view.UpdatedAt);
    }
}

/// <summary>One recipient's result: the number as given, its JID, its message id, its status and, when it failed, why.</summary>
public sealed record SendQueueRecipientResponse(
    string Number,
    string Jid,
    string MessageId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);
