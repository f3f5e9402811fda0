using System.Text.Json;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Grains.Abstractions.Chats;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.Api.Chats;

/// <summary>Reads the bodies of the chat routes into grain requests; a failure names the field as CodeChat's validation does.</summary>
public static class ChatRequestReader
{
    /// <summary><c>{readMessages: [{id, fromMe, remoteJid, participant?}]}</c> (markMessageAsRead).</summary>
    public static (IReadOnlyList<ReadMessageKey>? Keys, ValidationFailure? Failure) ReadMessageKeys(JsonElement body)
    {
        if (!body.TryGetProperty("readMessages", out var items))
            return (null, JsonRequestBody.Missing("readMessages"));
        if (items.ValueKind != JsonValueKind.Array)
            return (null, new ValidationFailure("readMessages", "readMessages is not of a type(s) array"));
        if (items.GetArrayLength() == 0)
            return (null, new ValidationFailure("readMessages", "readMessages does not meet minimum length of 1"));
        var keys = new List<ReadMessageKey>();
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var path = $"readMessages[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
                return (null, new ValidationFailure(path, $"{path} is not of a type(s) object"));
            if (!item.TryGetProperty("id", out var id) || !JsonRequestBody.TryGetString(id, out var idText) || idText.Length == 0)
                return (null, new ValidationFailure(path + ".id", $"{path} requires property \"id\" (a non-empty string)"));
            if (!item.TryGetProperty("fromMe", out var fromMe) || fromMe.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return (null, new ValidationFailure(path + ".fromMe", $"{path} requires property \"fromMe\" (a boolean)"));
            if (!item.TryGetProperty("remoteJid", out var remoteJid) || !JsonRequestBody.TryGetString(remoteJid, out var jid) || !jid.Contains('@', StringComparison.Ordinal))
                return (null, new ValidationFailure(path + ".remoteJid", $"{path} requires property \"remoteJid\" (a JID such as 5531912345678@s.whatsapp.net)"));
            string? participant = null;
            if (item.TryGetProperty("participant", out var participantElement) && participantElement.ValueKind != JsonValueKind.Null
                && !JsonRequestBody.TryGetString(participantElement, out participant))
                return (null, JsonRequestBody.NotAString(path + ".participant"));
            keys.Add(new ReadMessageKey(jid, idText, fromMe.GetBoolean(), participant));
        }
        return (keys, null);
    }

    /// <summary><c>{ids: int[]}</c> (readMessages); <c>messageId</c> (an int or an int array) is accepted as an alias.</summary>
    public static (IReadOnlyList<long>? Ids, ValidationFailure? Failure) ReadIds(JsonElement body)
    {
        var property = body.TryGetProperty("ids", out var ids) ? "ids" : body.TryGetProperty("messageId", out ids) ? "messageId" : null;
        if (property is null)
            return (null, JsonRequestBody.Missing("ids"));
        var values = new List<long>();
        if (ids.ValueKind == JsonValueKind.Number && ids.TryGetInt64(out var single))
            values.Add(single);
        else if (ids.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in ids.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var value))
                    return (null, new ValidationFailure(property, $"{property} must be an array of integers"));
                values.Add(value);
            }
        }
        else
            return (null, new ValidationFailure(property, $"{property} must be an array of integers"));
        return values.Count == 0
            ? (null, new ValidationFailure(property, $"{property} does not meet minimum length of 1"))
            : (values, null);
    }

    /// <summary>
    /// A stored message, as mediaData takes it: <c>id</c> (CodeChat's numeric id) or <c>keyId</c> with an
    /// optional <c>keyRemoteJid</c> (a stored message row carries both), or v3's <c>header.messageId</c>.
    /// </summary>
    public static (StoredMessageSelector? Selector, ValidationFailure? Failure) ReadSelector(JsonElement body)
    {
        if (body.TryGetProperty("id", out var id) && id.ValueKind != JsonValueKind.Null)
        {
            if (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var number))
                return (new StoredMessageSelector(number, null, null), null);
            if (id.ValueKind == JsonValueKind.String && long.TryParse(id.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number))
                return (new StoredMessageSelector(number, null, null), null);
            return (null, new ValidationFailure("id", "id is not of a type(s) integer"));
        }
        string? remoteJid = null;
        if (body.TryGetProperty("keyRemoteJid", out var remote) && remote.ValueKind != JsonValueKind.Null && !JsonRequestBody.TryGetString(remote, out remoteJid))
            return (null, JsonRequestBody.NotAString("keyRemoteJid"));
        if (body.TryGetProperty("keyId", out var keyId) && keyId.ValueKind != JsonValueKind.Null)
        {
            return JsonRequestBody.TryGetString(keyId, out var text) && text.Length > 0
                ? (new StoredMessageSelector(null, text, remoteJid), null)
                : (null, JsonRequestBody.NotAString("keyId"));
        }
        if (body.TryGetProperty("header", out var header) && header.ValueKind == JsonValueKind.Object
            && header.TryGetProperty("messageId", out var messageId) && JsonRequestBody.TryGetString(messageId, out var v3Id) && v3Id.Length > 0)
            return (new StoredMessageSelector(null, v3Id, null), null);
        return (null, new ValidationFailure("instance", "instance requires property \"keyId\" or \"id\""));
    }

    /// <summary>A JID as given, or a phone number as its phone JID; null when it is neither.</summary>
    public static string? ChatJidOf(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var trimmed = input.Trim();
        if (trimmed.Contains('@', StringComparison.Ordinal))
            return Jid.TryParse(trimmed, out var parsed) ? parsed.ToString() : null;
        return PhoneNumber.TryNormalize(trimmed, out var digits) ? digits + "@s.whatsapp.net" : null;
    }
}
