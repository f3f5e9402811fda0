using System.Text;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Events;

namespace CodeChat.Grains.Messages;

/// <summary>
/// The events about a message after it was stored: <c>messages.update</c> in CodeChat v3's shape
/// <c>{update{status, header{messageId, fromMe, wuid, participant?}, dateTime}}</c> (api-contract.md §3)
/// plus the stored message's numeric <c>id</c>; and <c>send.message:ERROR</c> for a send that failed
/// after it was accepted, in v3's shape <c>{number, message, status, error}</c> (codechat-api.md
/// Appendix B) plus <c>id</c> and the message key.
/// </summary>
public static class MessageEventPayloads
{
    /// <param name="participant">The group member whose receipt moved the status (group receipts are per participant), or null.</param>
    public static InstanceEventDraft MessagesUpdate(
        string instanceName, long instanceId, string? ownerJid, long messageId, MessageKey key, MessageStatus status, string? participant, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(key);
        var json = Write(writer =>
        {
            writer.WriteNumber("id", messageId);
            writer.WriteStartObject("update");
            writer.WriteString("status", MessageStatusNames.Of(status));
            writer.WriteStartObject("header");
            writer.WriteString("messageId", key.Id);
            writer.WriteBoolean("fromMe", key.FromMe);
            writer.WriteString("wuid", key.RemoteJid);
            if (participant is not null)
                writer.WriteString("participant", participant);
            writer.WriteEndObject();
            writer.WriteString("dateTime", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        });
        return new InstanceEventDraft(instanceName, instanceId, ownerJid, InstanceEventNames.MessagesUpdate, json)
        {
            // One event per status a message (or a group member's copy of it) reaches.
            Id = NamedEventId.From($"messages.update\n{instanceName}\n{messageId}\n{(int)status}\n{participant}"),
        };
    }

    public static InstanceEventDraft SendMessageError(
        string instanceName, long instanceId, string? ownerJid, StoredMessage message, string error)
    {
        ArgumentNullException.ThrowIfNull(message);
        var json = Write(writer =>
        {
            writer.WriteNumber("id", message.Id);
            writer.WriteString("number", message.Key.RemoteJid);
            writer.WriteString("status", MessageStatusNames.Of(MessageStatus.Error));
            writer.WriteString("error", error);
            writer.WriteStartObject("message");
            writer.WriteStartObject("key");
            writer.WriteString("id", message.Key.Id);
            writer.WriteBoolean("fromMe", message.Key.FromMe);
            writer.WriteString("remoteJid", message.Key.RemoteJid);
            writer.WriteEndObject();
            writer.WriteString("messageType", message.MessageType);
            writer.WriteEndObject();
        });
        return new InstanceEventDraft(instanceName, instanceId, ownerJid, InstanceEventNames.SendMessageError, json)
        {
            Id = NamedEventId.From($"send.message:ERROR\n{instanceName}\n{message.Id}"),
        };
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
