using System.Text.Json.Nodes;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Media;
using CodeChat.Grains.Events;

namespace CodeChat.Grains.Media;

/// <summary>
/// The <c>send.message</c> events of one media send, in the hosted v3 shapes (codechat-api.md
/// Appendix B) with the send's id as <c>queueId</c>: START <c>{queue{queueId, status:"STARTED",
/// progress:0}}</c>, PROCESSING <c>{queue{queueId, messageId?, progress, queueTimestamp}}</c>, COMPLETED
/// <c>{queue{queueId, progress:100, data{jids, message{messageType}, messageIds}, queueTimestamp}}</c>,
/// ERROR <c>{number, message, status, error, queueId}</c>; each also says <c>number</c>.
/// </summary>
public static class MediaSendEventPayloads
{
    public static InstanceEventDraft Draft(string instanceName, long instanceId, string? ownerJid, MediaSendProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var timestamp = progress.At.ToUnixTimeMilliseconds();
        var (name, data) = progress.Stage switch
        {
            MediaSendStage.Start => (InstanceEventNames.SendMessageStart, new JsonObject
            {
                ["number"] = progress.Number,
                ["queue"] = new JsonObject { ["queueId"] = progress.SendId, ["status"] = "STARTED", ["progress"] = 0, ["queueTimestamp"] = timestamp },
            }),
            MediaSendStage.Processing => (InstanceEventNames.SendMessageProcessing, new JsonObject
            {
                ["number"] = progress.Number,
                ["queue"] = new JsonObject
                {
                    ["queueId"] = progress.SendId, ["status"] = "PROCESSING", ["messageId"] = progress.MessageId,
                    ["progress"] = Math.Clamp(progress.Progress, 0, 100), ["queueTimestamp"] = timestamp,
                },
            }),
            MediaSendStage.Completed => (InstanceEventNames.SendMessageCompleted, new JsonObject
            {
                ["number"] = progress.Number,
                ["queue"] = new JsonObject
                {
                    ["queueId"] = progress.SendId, ["status"] = "COMPLETED", ["progress"] = 100, ["queueTimestamp"] = timestamp,
                    ["data"] = new JsonObject
                    {
                        ["jids"] = new JsonArray(progress.Jid is null ? [] : [JsonValue.Create(progress.Jid)]),
                        ["message"] = new JsonObject { ["messageType"] = progress.MessageType },
                        ["messageIds"] = new JsonArray(progress.MessageId is null ? [] : [JsonValue.Create(progress.MessageId)]),
                    },
                },
            }),
            MediaSendStage.Error => (InstanceEventNames.SendMessageError, new JsonObject
            {
                ["number"] = progress.Number,
                ["message"] = progress.Error,
                ["status"] = progress.Status,
                ["error"] = progress.Error,
                ["queueId"] = progress.SendId,
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(progress), progress.Stage, "Unknown stage."),
        };
        return new InstanceEventDraft(instanceName, instanceId, ownerJid, name, data.ToJsonString());
    }
}
