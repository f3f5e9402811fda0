namespace CodeChat.Grains.Abstractions.Chats;

/// <summary>What kind of conversation a chat is, from its JID's server.</summary>
public enum ChatKind
{
    /// <summary>A person: a phone JID (<c>@s.whatsapp.net</c>) or a LID (<c>@lid</c>).</summary>
    User,
    Group,
    Broadcast,
    Newsletter,
    Other,
}

/// <summary>The stored names of <see cref="ChatKind"/> (column <c>chats.kind</c>).</summary>
public static class ChatKinds
{
    public static string Name(ChatKind kind) => kind switch
    {
        ChatKind.User => "user",
        ChatKind.Group => "group",
        ChatKind.Broadcast => "broadcast",
        ChatKind.Newsletter => "newsletter",
        _ => "other",
    };

    public static ChatKind Parse(string name) => name switch
    {
        "user" => ChatKind.User,
        "group" => ChatKind.Group,
        "broadcast" => ChatKind.Broadcast,
        "newsletter" => ChatKind.Newsletter,
        _ => ChatKind.Other,
    };

    /// <summary>The kind of a chat JID (the part after '@').</summary>
    public static ChatKind Of(string jid)
    {
        ArgumentNullException.ThrowIfNull(jid);
        var at = jid.LastIndexOf('@');
        return (at < 0 ? "" : jid[(at + 1)..]) switch
        {
            "s.whatsapp.net" or "lid" => ChatKind.User,
            "g.us" => ChatKind.Group,
            "broadcast" => ChatKind.Broadcast,
            "newsletter" => ChatKind.Newsletter,
            _ => ChatKind.Other,
        };
    }
}

/// <summary>A stored chat of an instance.</summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.ChatView")]
public sealed record ChatView(
    [property: Id(0)] long Id,
    [property: Id(1)] string RemoteJid,
    [property: Id(2)] string? Lid,
    [property: Id(3)] ChatKind Kind,
    [property: Id(4)] string? Name,
    [property: Id(5)] long? LastMessageTimestamp,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset UpdatedAt,
    [property: Id(8)] bool Archived = false,
    [property: Id(9)] long? PinnedAt = null,
    [property: Id(10)] long? MuteEndTime = null,
    [property: Id(11)] bool MarkedUnread = false);

/// <summary>A stored contact of an instance: a person who wrote to it, or one the phone's address book names (app state).</summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.ContactView")]
public sealed record ContactView(
    [property: Id(0)] long Id,
    [property: Id(1)] string RemoteJid,
    [property: Id(2)] string? Lid,
    [property: Id(3)] string? PushName,
    [property: Id(4)] string? Username,
    [property: Id(5)] string? ProfilePicUrl,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset UpdatedAt,
    [property: Id(8)] string? Name = null);

/// <summary>
/// findMessages' filters (codechat-api.md §5): every given one must match. <see cref="PageSize"/> is
/// 1.3's <c>offset</c> (the page size, not a skip count) and <see cref="Page"/> counts from 1.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.MessageQuery")]
public sealed record MessageQuery(
    [property: Id(0)] long? Id = null,
    [property: Id(1)] string? KeyId = null,
    [property: Id(2)] string? KeyRemoteJid = null,
    [property: Id(3)] bool? KeyFromMe = null,
    [property: Id(4)] string? MessageType = null,
    [property: Id(5)] string? Device = null,
    [property: Id(6)] Messages.MessageStatus? MessageStatus = null,
    [property: Id(7)] int PageSize = MessageQuery.DefaultPageSize,
    [property: Id(8)] int Page = 1)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;
}

/// <summary>A stored message as findMessages lists it, with its status history (CodeChat's <c>MessageUpdate[]</c>).</summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.MessageRecordView")]
public sealed record MessageRecordView(
    [property: Id(0)] long Id,
    [property: Id(1)] string KeyId,
    [property: Id(2)] bool KeyFromMe,
    [property: Id(3)] string KeyRemoteJid,
    [property: Id(4)] string? KeyParticipant,
    [property: Id(5)] string? SenderPn,
    [property: Id(6)] string? SenderLid,
    [property: Id(7)] string? PushName,
    [property: Id(8)] string MessageType,
    [property: Id(9)] string ContentJson,
    [property: Id(10)] long MessageTimestamp,
    [property: Id(11)] string? Device,
    [property: Id(12)] Messages.MessageStatus Status,
    [property: Id(13)] IReadOnlyList<MessageStatusEntry> Updates);

[GenerateSerializer, Immutable]
[Alias("CodeChat.MessageStatusEntry")]
public sealed record MessageStatusEntry([property: Id(0)] Messages.MessageStatus Status, [property: Id(1)] DateTimeOffset DateTime);

/// <summary>One page of findMessages.</summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.MessagePage")]
public sealed record MessagePage(
    [property: Id(0)] long Total,
    [property: Id(1)] int Pages,
    [property: Id(2)] int CurrentPage,
    [property: Id(3)] IReadOnlyList<MessageRecordView> Records);

/// <summary>An answer of <see cref="IChatQueryGrain"/>: null <see cref="InstanceId"/> when the instance does not exist.</summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.ChatQueryResult`1")]
public sealed record ChatQueryResult<T>([property: Id(0)] long? InstanceId, [property: Id(1)] T? Value);
