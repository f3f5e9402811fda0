using System.Globalization;
using System.Text;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Events;

namespace CodeChat.Grains.Messages;

/// <summary>
/// <c>messages.update</c> for a revoke or an edit, in CodeChat v3's shape (codechat-api.md Appendix B:
/// <c>data.update{status, header{…}, dateTime}</c>; the seed: "REVOKE: notify everyone when a message
/// is deleted"). Ours on top: the stored message's numeric <c>id</c> (absent when the revoked or
/// edited message is not stored), and for an edit <c>status</c> "EDITED" with the new
/// <c>update.message{messageType, message}</c> (v3 names no status for edits).
/// </summary>
public static class MessageUpdatePayload
{
    public const string Revoke = "REVOKE";
    public const string Edited = "EDITED";

    /// <summary>The update of a stored message.</summary>
    public static InstanceEventDraft Draft(string instanceName, long instanceId, string? ownerJid, StoredMessage message,
        MessageRevision revision, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(revision);
        return Build(instanceName, instanceId, ownerJid, message.Id, json => MessageHeaderJson.Write(json, message), revision, at);
    }

    /// <summary>The update of a message that is not stored: the header comes from the revoke's or edit's own key.</summary>
    public static InstanceEventDraft DraftUnstored(string instanceName, long instanceId, string? ownerJid, RevisionTarget target,
        string? senderPn, string? senderLid, MessageRevision revision, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Build(instanceName, instanceId, ownerJid, null,
            json => MessageHeaderJson.Write(json, target.MessageId, target.FromMe, target.RemoteJid, senderPn, senderLid, pushName: null), revision, at);
    }

    private static InstanceEventDraft Build(string instanceName, long instanceId, string? ownerJid, long? storedId,
        Action<Utf8JsonWriter> writeHeader, MessageRevision revision, DateTimeOffset at)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (storedId is { } id)
                json.WriteNumber("id", id);
            json.WriteStartObject("update");
            json.WriteString("status", revision.Kind == RevisionKind.Revoke ? Revoke : Edited);
            writeHeader(json);
            json.WriteString("dateTime", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            if (revision.Kind == RevisionKind.Edit)
            {
                json.WriteStartObject("message");
                json.WriteString("messageType", revision.MessageType);
                json.WritePropertyName("message");
                json.WriteRawValue(revision.ContentJson!);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return new InstanceEventDraft(instanceName, instanceId, ownerJid, InstanceEventNames.MessagesUpdate, Encoding.UTF8.GetString(buffer.ToArray()))
        {
            // The stanza that carried the revoke or edit names the fact: a redelivery reports it once.
            Id = NamedEventId.From($"{InstanceEventNames.MessagesUpdate}\n{instanceName}\n{revision.Kind}\n{revision.ProtocolMessageId}"),
        };
    }
}
