namespace CodeChat.Grains.Abstractions.Chats;

/// <summary>
/// The read-only find routes of <c>/chat</c> (findMessages, findChats, findContacts), answered on any
/// silo straight from PostgreSQL: reading history never waits behind an instance's session turns.
/// </summary>
[Alias("CodeChat.IChatQueryGrain")]
public interface IChatQueryGrain : IGrainWithIntegerKey
{
    [Alias("FindMessages")]
    Task<ChatQueryResult<MessagePage>> FindMessagesAsync(string instanceName, MessageQuery query, CancellationToken cancellationToken = default);

    /// <param name="kind">Only chats of this kind; null for all.</param>
    [Alias("FindChats")]
    Task<ChatQueryResult<IReadOnlyList<ChatView>>> FindChatsAsync(string instanceName, ChatKind? kind, CancellationToken cancellationToken = default);

    /// <param name="remoteJid">Only the contact with this phone JID or LID; null for all.</param>
    [Alias("FindContacts")]
    Task<ChatQueryResult<IReadOnlyList<ContactView>>> FindContactsAsync(string instanceName, string? remoteJid, CancellationToken cancellationToken = default);
}
