using System.Runtime.CompilerServices;
using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Chats;
using CodeChat.Grains.Messages;
using CodeChat.Grains.Sessions;
using CodeChat.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CodeChat.Grains.Instances;

/// <summary>
/// Chats and contacts as messages reveal them: the message's transaction also records its chat (new
/// → <c>chats.upsert</c>) and, for a message someone else sent, its sender (new → <c>contacts.upsert</c>,
/// changed push name or LID → <c>contacts.update</c>), so these events are exactly as durable as the message.
/// </summary>
public sealed partial class InstanceGrain
{
    private PostgresChatStore ChatStore => ServiceProvider.GetRequiredService<PostgresChatStore>();

    private PostgresInstanceEventStore Outbox => ServiceProvider.GetRequiredService<PostgresInstanceEventStore>();

    /// <summary>What an incoming message says about its chat and its sender.</summary>
    private static (ChatSighting Chat, ContactSighting? Sender) SightingOf(ReceivedMessage received, string storedChat)
    {
        var oneToOne = ChatKinds.Of(storedChat) == ChatKind.User;
        var chatLid = storedChat.EndsWith("@lid", StringComparison.Ordinal) ? storedChat
            : received.Chat.EndsWith("@lid", StringComparison.Ordinal) ? received.Chat
            : oneToOne && !received.FromMe ? received.SenderLid
            : null;
        var sender = received.FromMe || (received.SenderPhoneNumber is null && received.SenderLid is null)
            ? null
            : new ContactSighting(received.SenderPhoneNumber, received.SenderLid, received.PushName);
        return (new ChatSighting(storedChat, chatLid, received.Timestamp.ToUnixTimeSeconds()), sender);
    }

    /// <summary>
    /// The step <see cref="PostgresMessageStore.SaveAsync(string, NewMessage, DateTimeOffset, Func{NpgsqlConnection, NpgsqlTransaction, StoredMessage, CancellationToken, Task}?, CancellationToken)"/>
    /// runs inside a new message's transaction. <paramref name="raised"/> counts the events it appended,
    /// so the caller knows to wake the dispatcher after the commit.
    /// </summary>
    private Func<NpgsqlConnection, NpgsqlTransaction, StoredMessage, CancellationToken, Task> RecordChat(
        ChatSighting chat, ContactSighting? sender, StrongBox<int> raised)
    {
        var (name, instanceId, owner, at) = (Name, state.State.Id, state.State.OwnerJid, timeProvider.GetUtcNow());
        var (store, outbox) = (ChatStore, Outbox);
        return async (connection, transaction, _, cancellationToken) =>
        {
            var outcome = await store.RecordAsync(connection, transaction, name, chat, sender, at, cancellationToken);
            foreach (var draft in ChatEventPayloads.For(outcome, name, instanceId, owner))
            {
                var record = await outbox.AppendAsync(connection, transaction, draft, cancellationToken);
                LogEvent(name, record.Event, record.Sequence);
                raised.Value++;
            }
        };
    }

    public async Task<DeleteChatResult> DeleteChatAsync(string chatJid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatJid);
        if (!state.State.Exists)
            return new DeleteChatResult(DeleteChatOutcome.InstanceNotFound);
        using var change = BeginChange(cancellationToken);
        // A person's chat is stored under the phone JID once that is known (StoredChatOf); its LID finds it too.
        var stored = chatJid.EndsWith("@lid", StringComparison.Ordinal) && await ChatStore.FindChatAsync(Name, chatJid, change.Token) is { } chat
            ? chat.RemoteJid
            : chatJid;
        var deleted = await ChatStore.DeleteChatAsync(Name, stored, change.Token);
        if (deleted is not { } count)
            return new DeleteChatResult(DeleteChatOutcome.ChatNotFound, stored);
        LogChatDeleted(Name, stored, count);
        return new DeleteChatResult(DeleteChatOutcome.Deleted, stored, timeProvider.GetUtcNow(), count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: chat {ChatJid} deleted with its {Messages} stored messages")]
    private partial void LogChatDeleted(string instanceName, string chatJid, long messages);
}
