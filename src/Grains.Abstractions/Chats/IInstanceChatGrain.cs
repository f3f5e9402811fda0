using CodeChat.Grains.Abstractions.Messages;

namespace CodeChat.Grains.Abstractions.Chats;

/// <summary>
/// The chat routes of one instance that act on received messages (same grain, same key as
/// <c>IInstanceGrain</c>): mark them read at the sender, and download their media on demand.
/// </summary>
[Alias("CodeChat.IInstanceChatGrain")]
public interface IInstanceChatGrain : IGrainWithStringKey
{
    /// <summary>
    /// Sends WhatsApp read receipts for <paramref name="keys"/> (keys of messages we sent are skipped, as
    /// a read receipt is only for what others sent) and moves the stored ones to READ.
    /// </summary>
    [Alias("MarkRead")]
    Task<ReadMessagesResult> MarkReadAsync(IReadOnlyList<ReadMessageKey> keys, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="MarkReadAsync"/> for stored messages of this instance named by CodeChat's numeric ids.</summary>
    [Alias("MarkStoredRead")]
    Task<ReadMessagesResult> MarkStoredReadAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a stored chat and its stored messages from this instance (the phone keeps its copy).
    /// <paramref name="chatJid"/> is the chat's JID, or its LID when it is a person's chat.
    /// </summary>
    [Alias("DeleteChat")]
    Task<DeleteChatResult> DeleteChatAsync(string chatJid, CancellationToken cancellationToken = default);

    /// <summary>
    /// Shows our presence to <paramref name="number"/> (a number, JID or group): <c>available</c> /
    /// <c>unavailable</c> online state, or <c>composing</c> / <c>recording</c> / <c>paused</c> in the chat; and
    /// subscribes to that person's presence, so their changes arrive as <c>presence.update</c>.
    /// </summary>
    [Alias("UpdatePresence")]
    Task<UpdatePresenceResult> UpdatePresenceAsync(string number, string presence, CancellationToken cancellationToken = default);

    /// <summary>
    /// Archives or unarchives a chat on every device of the account: an app-state patch (collection
    /// <c>regular_low</c>, index <c>["archive", chat]</c>) with the chat's last message as WhatsApp wants it.
    /// Completes once the server took the patch and it was applied here (row and <c>chats.update</c>),
    /// as do the other chat modifications below.
    /// </summary>
    [Alias("ArchiveChat")]
    Task<ChatModificationResult> ArchiveChatAsync(ArchiveChatRequest request, CancellationToken cancellationToken = default);

    /// <summary>Mutes (until a time, or always) or unmutes a chat: <c>regular_high</c>, index <c>["mute", chat]</c>.</summary>
    [Alias("MuteChat")]
    Task<ChatModificationResult> MuteChatAsync(MuteChatRequest request, CancellationToken cancellationToken = default);

    /// <summary>Pins or unpins a chat: <c>regular_low</c>, index <c>["pin_v1", chat]</c>.</summary>
    [Alias("PinChat")]
    Task<ChatModificationResult> PinChatAsync(PinChatRequest request, CancellationToken cancellationToken = default);

    /// <summary>Marks a chat unread (or read again): <c>regular_low</c>, index <c>["markChatAsRead", chat]</c>, with its last message.</summary>
    [Alias("MarkChatUnread")]
    Task<ChatModificationResult> MarkChatUnreadAsync(MarkChatUnreadRequest request, CancellationToken cancellationToken = default);

    /// <summary>Downloads and decrypts the attachment of a stored message.</summary>
    [Alias("DownloadMedia")]
    Task<MediaDownload> DownloadMediaAsync(StoredMessageSelector selector, CancellationToken cancellationToken = default);
}

/// <summary>A message to mark read: its key as CodeChat's <c>readMessages</c> items give it.</summary>
[GenerateSerializer, Immutable]
public sealed record ReadMessageKey(
    [property: Id(0)] string RemoteJid,
    [property: Id(1)] string Id,
    [property: Id(2)] bool FromMe,
    [property: Id(3)] string? Participant = null);

/// <summary>What became of a read request.</summary>
public enum ReadMessagesOutcome
{
    Succeeded,
    NotFound,
    NotConnected,
    Failed,
}

[GenerateSerializer, Immutable]
public sealed record ReadMessagesResult(
    [property: Id(0)] ReadMessagesOutcome Outcome,
    [property: Id(1)] int ReceiptsSent,
    [property: Id(2)] IReadOnlyList<MessageKey> MarkedRead,
    [property: Id(3)] string? Error = null);

/// <summary>Names a stored message: CodeChat's numeric id, or the WhatsApp key id (optionally in one chat).</summary>
[GenerateSerializer, Immutable]
public sealed record StoredMessageSelector(
    [property: Id(0)] long? Id,
    [property: Id(1)] string? KeyId,
    [property: Id(2)] string? RemoteJid);

/// <summary>What became of a media download.</summary>
public enum MediaDownloadOutcome
{
    Succeeded,
    InstanceNotFound,
    MessageNotFound,
    NotMedia,
    NotConnected,
    /// <summary>The media host no longer has it (HTTP 403/404/410): it must be re-uploaded by the sender.</summary>
    Expired,
    TooLarge,
    Failed,
}

/// <summary>The decrypted attachment and what CodeChat's <c>mediaData</c> reports beside it.</summary>
[GenerateSerializer, Immutable]
public sealed record MediaDownload(
    [property: Id(0)] MediaDownloadOutcome Outcome,
    [property: Id(1)] string? MessageType = null,
    [property: Id(2)] string? FileName = null,
    [property: Id(3)] string? Mimetype = null,
    [property: Id(4)] string? Caption = null,
    [property: Id(5)] long FileLength = 0,
    [property: Id(6)] uint Height = 0,
    [property: Id(7)] uint Width = 0,
    [property: Id(8)] byte[]? Bytes = null,
    [property: Id(9)] string? Error = null);

/// <summary>What became of a deleteChat.</summary>
public enum DeleteChatOutcome
{
    Deleted,
    InstanceNotFound,
    ChatNotFound,
}

[GenerateSerializer, Immutable]
public sealed record DeleteChatResult(
    [property: Id(0)] DeleteChatOutcome Outcome,
    [property: Id(1)] string? ChatId = null,
    [property: Id(2)] DateTimeOffset DeletedAt = default,
    [property: Id(3)] long MessagesDeleted = 0);

/// <summary>What became of an updatePresence.</summary>
public enum UpdatePresenceOutcome
{
    Sent,
    InstanceNotFound,
    NotConnected,
    /// <summary>The number is not on WhatsApp, the group not found, or the input no JID: <see cref="UpdatePresenceResult.Error"/> says which.</summary>
    UnknownRecipient,
    Failed,
}

[GenerateSerializer, Immutable]
public sealed record UpdatePresenceResult(
    [property: Id(0)] UpdatePresenceOutcome Outcome,
    [property: Id(1)] string? Jid = null,
    [property: Id(2)] string? Error = null);
