using System.Text.Json;
using System.Text.Json.Serialization;
using CodeChat.Grains.Abstractions.Messages;

namespace CodeChat.Api.Messages;

/// <summary>
/// CodeChat's sent-message record (codechat-api.md §4.3): the stored numeric <c>id</c>, the key, the
/// type and <c>content</c> (the body of that type, e.g. <c>{text, contextInfo}</c>), the timestamp,
/// <c>device</c> "web", <c>isGroup</c>, the echoed <c>externalAttributes</c>, and our <c>status</c>
/// (<c>SERVER_ACK</c> with 201, <c>PENDING</c> with 202).
/// </summary>
public sealed record SentMessageResponse(
    long Id,
    string KeyId,
    bool KeyFromMe,
    string KeyRemoteJid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? KeyParticipant,
    string PushName,
    string MessageType,
    JsonElement Content,
    long MessageTimestamp,
    long InstanceId,
    string Device,
    bool IsGroup,
    JsonElement? ExternalAttributes,
    string Status)
{
    public static SentMessageResponse From(SentMessageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var message = JsonDocument.Parse(record.ContentJson);
        var content = message.RootElement.TryGetProperty(record.MessageType, out var body) ? body.Clone() : message.RootElement.Clone();
        JsonElement? attributes = null;
        if (record.ExternalAttributesJson is { } json)
        {
            using var parsed = JsonDocument.Parse(json);
            attributes = parsed.RootElement.Clone();
        }
        return new SentMessageResponse(
            record.Id, record.KeyId, record.KeyFromMe, record.KeyRemoteJid, record.KeyParticipant, record.PushName ?? "",
            record.MessageType, content, record.MessageTimestamp, record.InstanceId, record.Device, record.IsGroup,
            attributes, MessageStatusNames.Of(record.Status));
    }
}

/// <summary>One answer of <c>/chat/whatsappNumbers</c>: <c>{exists, jid, lid?, name?}</c> (codechat-api.md §5).</summary>
public sealed record NumberCheckResponse(
    bool Exists,
    string Jid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Lid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name);
