using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Storage;
using Orleans.Concurrency;

namespace CodeChat.Grains.Chats;

/// <summary>
/// <see cref="IChatQueryGrain"/>: reads PostgreSQL on whichever silo the call lands. The instance is
/// looked up in the registry (its id is the <c>instanceId</c> of every row), so a missing instance is
/// told apart from an instance with nothing stored.
/// </summary>
[GrainType("chat-query")]
[StatelessWorker]
public sealed class ChatQueryGrain(PostgresInstanceRegistry registry, PostgresChatStore chats, PostgresMessageQuery messages) : Grain, IChatQueryGrain
{
    public async Task<ChatQueryResult<MessagePage>> FindMessagesAsync(string instanceName, MessageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (await InstanceIdAsync(instanceName, cancellationToken) is not { } instanceId)
            return new ChatQueryResult<MessagePage>(null, null);
        // A chat named by its LID whose messages are stored under the phone JID (InstanceGrain.StoredChatOf).
        if (query.KeyRemoteJid is { } jid && jid.EndsWith("@lid", StringComparison.Ordinal)
            && await chats.FindChatAsync(instanceName, jid, cancellationToken) is { } chat)
            query = query with { KeyRemoteJid = chat.RemoteJid };
        return new ChatQueryResult<MessagePage>(instanceId, await messages.FindAsync(instanceName, query, cancellationToken));
    }

    public async Task<ChatQueryResult<IReadOnlyList<ChatView>>> FindChatsAsync(string instanceName, ChatKind? kind, CancellationToken cancellationToken = default) =>
        await InstanceIdAsync(instanceName, cancellationToken) is { } instanceId
            ? new(instanceId, await chats.FindChatsAsync(instanceName, kind, cancellationToken))
            : new(null, null);

    public async Task<ChatQueryResult<IReadOnlyList<ContactView>>> FindContactsAsync(string instanceName, string? remoteJid, CancellationToken cancellationToken = default) =>
        await InstanceIdAsync(instanceName, cancellationToken) is { } instanceId
            ? new(instanceId, await chats.FindContactsAsync(instanceName, remoteJid, cancellationToken))
            : new(null, null);

    private async Task<long?> InstanceIdAsync(string instanceName, CancellationToken cancellationToken) =>
        (await registry.ListAsync(instanceName, cancellationToken)) is [var instance] ? instance.Id : null;
}
