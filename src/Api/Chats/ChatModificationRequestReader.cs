using System.Text.Json;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Grains.Abstractions.Chats;
using CodeChat.WhatsApp.AppState;

namespace CodeChat.Api.Chats;

/// <summary>
/// Reads the bodies of the chat modification routes (archiveChat, muteChat, pinChat, markChatUnread);
/// a failure names the field as CodeChat's validation does.
/// </summary>
public static class ChatModificationRequestReader
{
    /// <summary>muteChat's mute length when <c>muteUntil</c> is absent: 8 hours, WhatsApp's shortest option.</summary>
    public static readonly TimeSpan DefaultMute = TimeSpan.FromHours(8);

    /// <summary>The last second of year 9999: a larger <c>muteUntil</c> is taken for milliseconds given by mistake.</summary>
    private const long LatestUnixSeconds = 253_402_300_799;

    /// <summary><c>{lastMessage: {key: {id, fromMe, remoteJid, participant?}, messageTimestamp?}, archive}</c> (CodeChat 1.3's body).</summary>
    public static (ArchiveChatRequest? Request, ValidationFailure? Failure) ReadArchive(JsonElement body) =>
        ReadWithLastMessage(body, "archive", (lastMessage, archive) => new ArchiveChatRequest(lastMessage, archive));

    /// <summary><c>{lastMessage: {key, messageTimestamp?}, unread}</c> (Evolution API v2's markChatUnread, plus <c>unread</c>).</summary>
    public static (MarkChatUnreadRequest? Request, ValidationFailure? Failure) ReadMarkUnread(JsonElement body) =>
        ReadWithLastMessage(body, "unread", (lastMessage, unread) => new MarkChatUnreadRequest(lastMessage, unread));

    /// <summary><c>{chat, pin}</c>: <c>chat</c> a number or a JID.</summary>
    public static (PinChatRequest? Request, ValidationFailure? Failure) ReadPin(JsonElement body)
    {
        var (chat, failure) = ReadChat(body);
        if (chat is null)
            return (null, failure);
        var (pin, pinFailure) = ReadBoolean(body, "pin");
        return pinFailure is null ? (new PinChatRequest(chat, pin), null) : (null, pinFailure);
    }

    /// <summary>
    /// <c>{chat, mute, muteUntil?}</c>: <c>muteUntil</c> is when the mute ends in Unix seconds (after
    /// <paramref name="now"/>) or <c>"always"</c>; absent or null, the mute lasts <see cref="DefaultMute"/>.
    /// Ignored when unmuting.
    /// </summary>
    public static (MuteChatRequest? Request, ValidationFailure? Failure) ReadMute(JsonElement body, DateTimeOffset now)
    {
        var (chat, failure) = ReadChat(body);
        if (chat is null)
            return (null, failure);
        var (mute, muteFailure) = ReadBoolean(body, "mute");
        if (muteFailure is not null)
            return (null, muteFailure);
        if (!mute)
            return (new MuteChatRequest(chat, false, 0), null);
        if (!body.TryGetProperty("muteUntil", out var until) || until.ValueKind == JsonValueKind.Null)
            return (new MuteChatRequest(chat, true, (now + DefaultMute).ToUnixTimeMilliseconds()), null);
        if (until.ValueKind == JsonValueKind.String && until.GetString() == "always")
            return (new MuteChatRequest(chat, true, ChatActionPatches.MutedForever), null);
        if (until.ValueKind != JsonValueKind.Number || !until.TryGetInt64(out var seconds))
            return (null, new ValidationFailure("muteUntil", "muteUntil is not a Unix time in seconds or \"always\""));
        if (seconds <= now.ToUnixTimeSeconds() || seconds > LatestUnixSeconds)
            return (null, new ValidationFailure("muteUntil", "muteUntil is not a future Unix time in seconds"));
        return (new MuteChatRequest(chat, true, seconds * 1000), null);
    }

    /// <summary>A body of a chat's <c>lastMessage</c> and one boolean wish, the wish checked first.</summary>
    private static (T? Request, ValidationFailure? Failure) ReadWithLastMessage<T>(JsonElement body, string flag, Func<ChatLastMessage, bool, T> create)
        where T : class
    {
        var (wish, failure) = ReadBoolean(body, flag);
        if (failure is not null)
            return (null, failure);
        var (lastMessage, lastMessageFailure) = ReadLastMessage(body);
        return lastMessage is null ? (null, lastMessageFailure) : (create(lastMessage, wish), null);
    }

    private static (bool Value, ValidationFailure? Failure) ReadBoolean(JsonElement body, string property)
    {
        if (!body.TryGetProperty(property, out var value))
            return (false, JsonRequestBody.Missing(property));
        return value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? (value.GetBoolean(), null)
            : (false, JsonRequestBody.NotABoolean(property));
    }

    private static (string? Chat, ValidationFailure? Failure) ReadChat(JsonElement body)
    {
        if (!body.TryGetProperty("chat", out var chat))
            return (null, JsonRequestBody.Missing("chat"));
        return JsonRequestBody.TryGetString(chat, out var text) && ChatRequestReader.ChatJidOf(text) is { } jid
            ? (jid, null)
            : (null, new ValidationFailure("chat", "chat must be a phone number or a JID (5531912345678@s.whatsapp.net, …@g.us, …@lid)"));
    }

    private static (ChatLastMessage? LastMessage, ValidationFailure? Failure) ReadLastMessage(JsonElement body)
    {
        if (!body.TryGetProperty("lastMessage", out var lastMessage))
            return (null, JsonRequestBody.Missing("lastMessage"));
        if (lastMessage.ValueKind != JsonValueKind.Object)
            return (null, new ValidationFailure("lastMessage", "lastMessage is not of a type(s) object"));
        if (!lastMessage.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.Object)
            return (null, new ValidationFailure("lastMessage.key", "lastMessage requires property \"key\" (an object)"));
        if (!key.TryGetProperty("id", out var id) || !JsonRequestBody.TryGetString(id, out var idText) || idText.Length == 0)
            return (null, new ValidationFailure("lastMessage.key.id", "lastMessage.key requires property \"id\" (a non-empty string)"));
        if (!key.TryGetProperty("fromMe", out var fromMe) || fromMe.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            return (null, new ValidationFailure("lastMessage.key.fromMe", "lastMessage.key requires property \"fromMe\" (a boolean)"));
        if (!key.TryGetProperty("remoteJid", out var remoteJid) || !JsonRequestBody.TryGetString(remoteJid, out var jid) || !jid.Contains('@', StringComparison.Ordinal))
            return (null, new ValidationFailure("lastMessage.key.remoteJid", "lastMessage.key requires property \"remoteJid\" (a JID such as 5531912345678@s.whatsapp.net)"));
        string? participant = null;
        if (key.TryGetProperty("participant", out var participantElement) && participantElement.ValueKind != JsonValueKind.Null
            && !JsonRequestBody.TryGetString(participantElement, out participant))
            return (null, JsonRequestBody.NotAString("lastMessage.key.participant"));
        long? timestamp = null;
        if (lastMessage.TryGetProperty("messageTimestamp", out var time) && time.ValueKind != JsonValueKind.Null)
        {
            if (time.ValueKind != JsonValueKind.Number || !time.TryGetInt64(out var seconds) || seconds <= 0)
                return (null, new ValidationFailure("lastMessage.messageTimestamp", "lastMessage.messageTimestamp is not a positive integer (Unix seconds)"));
            timestamp = seconds;
        }
        return (new ChatLastMessage(jid, idText, fromMe.GetBoolean(), participant, timestamp), null);
    }
}
