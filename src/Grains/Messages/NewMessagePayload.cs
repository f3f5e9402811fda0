using System.Text;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Events;

namespace CodeChat.Grains.Messages;

/// <summary>
/// The <c>new.message</c> event of a stored message, in CodeChat v3's shape (api-contract.md §3):
/// <c>{header{messageId, fromMe, wuid, pushName}, body{messageType, message}, context{sourceDevice,
/// messageTimestamp, fromGroup}}</c>, plus our additions: the stored message's numeric <c>id</c>,
/// and the LIDs beside the phone JIDs (<c>wuidLid</c>, <c>participant</c>, <c>participantLid</c>)
/// when known.
/// </summary>
public static class NewMessagePayload
{
    public static InstanceEventDraft Draft(string instanceName, long instanceId, string? ownerJid, StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            var fromGroup = message.Key.RemoteJid.EndsWith("@g.us", StringComparison.Ordinal);
            json.WriteStartObject();
            json.WriteNumber("id", message.Id);
            json.WriteStartObject("header");
            json.WriteString("messageId", message.Key.Id);
            json.WriteBoolean("fromMe", message.Key.FromMe);
            json.WriteString("wuid", message.Key.RemoteJid);
            if (!fromGroup && message.SenderLid is { } chatLid && !message.Key.FromMe)
                json.WriteString("wuidLid", chatLid);
            if (fromGroup)
            {
                WriteOptional(json, "participant", message.SenderPn ?? message.Participant);
                WriteOptional(json, "participantLid", message.SenderLid);
            }
            WriteOptional(json, "pushName", message.PushName);
            json.WriteEndObject();
            json.WriteStartObject("body");
            json.WriteString("messageType", message.MessageType);
            json.WritePropertyName("message");
            json.WriteRawValue(message.ContentJson);
            json.WriteEndObject();
            json.WriteStartObject("context");
            json.WriteString("sourceDevice", message.Device ?? "unknown");
            json.WriteNumber("messageTimestamp", message.MessageTimestamp);
            json.WriteBoolean("fromGroup", fromGroup);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return new InstanceEventDraft(instanceName, instanceId, ownerJid, InstanceEventNames.NewMessage, Encoding.UTF8.GetString(buffer.ToArray()))
        {
            // One event per stored message, whatever happens: a message WhatsApp redelivers after a
            // crash between storing it and recording the event finds the same event id, and the
            // outbox appends an id at most once.
            Id = MessageEventPayloads.NameBasedId($"new.message\n{instanceName}\n{message.Id}"),
        };
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
            json.WriteString(name, value);
    }
}
