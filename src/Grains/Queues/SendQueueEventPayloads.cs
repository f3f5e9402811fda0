using System.Text.Json.Nodes;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Events;

namespace CodeChat.Grains.Queues;

/// <summary>
/// The events of a mailing in the hosted v3 shapes (codechat-api.md Appendix B):
/// <c>send.message:START</c> <c>{queue{queueId, status:"STARTED", progress:0, queueTimestamp}}</c>;
/// <c>send.message:PROCESSING</c> <c>{number, queue{queueId, status, messageId, progress, queueTimestamp}}</c> per recipient;
/// <c>send.message:ERROR</c> <c>{number, message, status, error, queueId, messageId}</c> per failed recipient;
/// <c>send.message:COMPLETED</c> <c>{queue{queueId, status:"COMPLETED", progress:100, data{jids, message{messageType, message}, messageIds}, queueTimestamp}}</c>;
/// <c>paused.queue</c> / <c>resumed.queue</c> / <c>deleted.queue</c> <c>{action, queue{queueId, progress, data{…}, queueTimestamp}}</c>.
/// </summary>
public static class SendQueueEventPayloads
{
    public static InstanceEventDraft Started(StoredSendQueue queue, DateTimeOffset at) => Draft(queue, InstanceEventNames.SendMessageStart, new JsonObject
    {
        ["queue"] = new JsonObject
        {
            ["queueId"] = queue.QueueId.ToString(), ["status"] = "STARTED", ["progress"] = 0, ["queueTimestamp"] = at.ToUnixTimeMilliseconds(),
        },
    });

    public static InstanceEventDraft Processing(StoredSendQueue queue, StoredRecipient recipient, string status, int progress, DateTimeOffset at) =>
        Draft(queue, InstanceEventNames.SendMessageProcessing, new JsonObject
        {
            ["number"] = recipient.Number,
            ["queue"] = new JsonObject
            {
                ["queueId"] = queue.QueueId.ToString(), ["status"] = status, ["messageId"] = recipient.MessageId, ["jid"] = recipient.Jid,
                ["progress"] = progress, ["queueTimestamp"] = at.ToUnixTimeMilliseconds(),
            },
        });

    public static InstanceEventDraft Failed(StoredSendQueue queue, StoredRecipient recipient, string error) => Draft(queue, InstanceEventNames.SendMessageError, new JsonObject
    {
        ["number"] = recipient.Number,
        ["message"] = error,
        ["status"] = "ERROR",
        ["error"] = error,
        ["queueId"] = queue.QueueId.ToString(),
        ["messageId"] = recipient.MessageId,
    });

    public static InstanceEventDraft Completed(StoredSendQueue queue, DateTimeOffset at) => Draft(queue, InstanceEventNames.SendMessageCompleted, new JsonObject
    {
        ["queue"] = new JsonObject
        {
            ["queueId"] = queue.QueueId.ToString(), ["status"] = "COMPLETED", ["progress"] = 100,
            ["data"] = Mailing(queue), ["queueTimestamp"] = at.ToUnixTimeMilliseconds(),
        },
    });

    /// <summary><c>paused.queue</c>, <c>resumed.queue</c> or <c>deleted.queue</c> for <paramref name="command"/>.</summary>
    public static InstanceEventDraft Controlled(StoredSendQueue queue, SendQueueCommand command, DateTimeOffset at)
    {
        var (name, action) = command switch
        {
            SendQueueCommand.Pause => (InstanceEventNames.PausedQueue, "pause"),
            SendQueueCommand.Resume => (InstanceEventNames.ResumedQueue, "resume"),
            SendQueueCommand.Delete => (InstanceEventNames.DeletedQueue, "delete"),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "No queue event for this command."),
        };
        return Draft(queue, name, new JsonObject
        {
            ["action"] = action,
            ["queue"] = new JsonObject
            {
                ["queueId"] = queue.QueueId.ToString(), ["progress"] = queue.Progress,
                ["data"] = Mailing(queue), ["queueTimestamp"] = at.ToUnixTimeMilliseconds(),
            },
        });
    }

    /// <summary>The mailing as v3's QueueModel <c>data</c> names it: recipients' JIDs, the message, the message ids.</summary>
    public static JsonObject Mailing(StoredSendQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return new JsonObject
        {
            ["jids"] = new JsonArray([.. queue.Recipients.Select(r => JsonValue.Create(r.Jid))]),
            ["message"] = new JsonObject { ["messageType"] = queue.MessageType, ["message"] = JsonNode.Parse(queue.ContentJson) },
            ["messageIds"] = new JsonArray([.. queue.Recipients.Select(r => JsonValue.Create(r.MessageId))]),
        };
    }

    private static InstanceEventDraft Draft(StoredSendQueue queue, string name, JsonObject data) =>
        new(queue.InstanceName, queue.InstanceId, queue.OwnerJid, name, data.ToJsonString());
}
