using System.Text.Json;

namespace CodeChat.Grains.Messages;

/// <summary>
/// CodeChat v3's message <c>header</c> (<c>{messageId, fromMe, wuid, pushName}</c>), which
/// <c>new.message</c>, <c>messages.update</c> and <c>general.error</c> carry alike, plus the LIDs
/// beside the phone JIDs (<c>wuidLid</c>, <c>participant</c>, <c>participantLid</c>) when known.
/// </summary>
public static class MessageHeaderJson
{
    public static void Write(Utf8JsonWriter json, StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Write(json, message.Key.Id, message.Key.FromMe, message.Key.RemoteJid, message.SenderPn ?? message.Participant, message.SenderLid, message.PushName);
    }

    /// <param name="senderPn">The sender's phone JID (in a group: the participant).</param>
    /// <param name="senderLid">The sender's LID.</param>
    public static void Write(Utf8JsonWriter json, string messageId, bool fromMe, string remoteJid, string? senderPn, string? senderLid, string? pushName)
    {
        ArgumentNullException.ThrowIfNull(json);
        // Groups and broadcasts (status posts) name the sender apart from the chat.
        var withParticipant = IsGroup(remoteJid) || remoteJid.EndsWith("@broadcast", StringComparison.Ordinal);
        json.WriteStartObject("header");
        json.WriteString("messageId", messageId);
        json.WriteBoolean("fromMe", fromMe);
        json.WriteString("wuid", remoteJid);
        if (!withParticipant && senderLid is { } chatLid && !fromMe)
            json.WriteString("wuidLid", chatLid);
        if (withParticipant)
        {
            WriteOptional(json, "participant", senderPn);
            WriteOptional(json, "participantLid", senderLid);
        }
        WriteOptional(json, "pushName", pushName);
        json.WriteEndObject();
    }

    public static bool IsGroup(string remoteJid) => remoteJid.EndsWith("@g.us", StringComparison.Ordinal);

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
            json.WriteString(name, value);
    }
}
