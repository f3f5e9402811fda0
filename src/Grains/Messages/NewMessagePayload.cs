using System.Text;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Events;

namespace CodeChat.Grains.Messages;

/// <summary>
/// The <c>new.message</c> event of a stored message, in CodeChat v3's shape (api-contract.md §3):
/// <c>{header{messageId, fromMe, wuid, pushName}, body{messageType, message}, context{sourceDevice,
/// messageTimestamp, fromGroup}}</c>, plus our additions: the stored message's numeric <c>id</c>,
/// the LIDs beside the phone JIDs (<see cref="MessageHeaderJson"/>), <c>media.base64</c> for
/// media small enough to inline and <c>media.path</c>, 1.3's public download link (a sealed, expiring token). Status posts and payment messages carry the same data under their
/// own event names (<see cref="IncomingEventNames"/>).
/// </summary>
public static class NewMessagePayload
{
    public static InstanceEventDraft Draft(string instanceName, long instanceId, string? ownerJid, StoredMessage message,
        string eventName = InstanceEventNames.NewMessage, string? mediaBase64 = null, string? mediaPath = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("id", message.Id);
            MessageHeaderJson.Write(json, message);
            json.WriteStartObject("body");
            json.WriteString("messageType", message.MessageType);
            json.WritePropertyName("message");
            json.WriteRawValue(message.ContentJson);
            json.WriteEndObject();
            json.WriteStartObject("context");
            json.WriteString("sourceDevice", message.Device ?? "unknown");
            json.WriteNumber("messageTimestamp", message.MessageTimestamp);
            json.WriteBoolean("fromGroup", MessageHeaderJson.IsGroup(message.Key.RemoteJid));
            json.WriteEndObject();
            if (mediaBase64 is not null || mediaPath is not null)
            {
                json.WriteStartObject("media");
                if (mediaBase64 is not null)
                    json.WriteString("base64", mediaBase64);
                if (mediaPath is not null)
                    json.WriteString("path", mediaPath);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return new InstanceEventDraft(instanceName, instanceId, ownerJid, eventName, Encoding.UTF8.GetString(buffer.ToArray()))
        {
            // One event per stored message, whatever happens: a message WhatsApp redelivers after a
            // crash between storing it and recording the event finds the same event id.
            Id = NamedEventId.From($"{eventName}\n{instanceName}\n{message.Id}"),
        };
    }
}
