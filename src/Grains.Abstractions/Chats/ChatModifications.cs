namespace CodeChat.Grains.Abstractions.Chats;

/// <summary>
/// A chat's last message as archiveChat and markChatUnread name it (<c>lastMessage: {key: {id, fromMe,
/// remoteJid, participant?}, messageTimestamp?}</c>); WhatsApp wants it in the action's message range.
/// <paramref name="MessageTimestamp"/> is in Unix seconds; when absent the stored message's is used.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ChatLastMessage(
    [property: Id(0)] string RemoteJid,
    [property: Id(1)] string MessageId,
    [property: Id(2)] bool FromMe,
    [property: Id(3)] string? Participant,
    [property: Id(4)] long? MessageTimestamp);

/// <summary>archiveChat's input: the chat's last message and the wish.</summary>
[GenerateSerializer, Immutable]
public sealed record ArchiveChatRequest(
    [property: Id(0)] ChatLastMessage LastMessage,
    [property: Id(1)] bool Archive);

/// <summary>markChatUnread's input: the chat's last message and whether the chat is to show as unread (false: read).</summary>
[GenerateSerializer, Immutable]
public sealed record MarkChatUnreadRequest(
    [property: Id(0)] ChatLastMessage LastMessage,
    [property: Id(1)] bool Unread);

/// <summary>
/// muteChat's input: the chat's JID, and when muting, the end of the mute in Unix milliseconds or
/// <c>-1</c> for always (WhatsApp's <c>muteEndTimestamp</c>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MuteChatRequest(
    [property: Id(0)] string Chat,
    [property: Id(1)] bool Mute,
    [property: Id(2)] long MuteEndMilliseconds);

/// <summary>pinChat's input: the chat's JID and the wish.</summary>
[GenerateSerializer, Immutable]
public sealed record PinChatRequest(
    [property: Id(0)] string Chat,
    [property: Id(1)] bool Pin);

/// <summary>What became of a chat modification (archive, mute, pin, mark unread).</summary>
public enum ChatModificationOutcome
{
    Done,
    InstanceNotFound,
    NotConnected,
    /// <summary>The phone has not shared an app-state key with this device yet (it does right after linking).</summary>
    NoAppStateKey,
    Failed,
}

[GenerateSerializer, Immutable]
public sealed record ChatModificationResult(
    [property: Id(0)] ChatModificationOutcome Outcome,
    [property: Id(1)] string? ChatId = null,
    [property: Id(2)] string? Error = null);
