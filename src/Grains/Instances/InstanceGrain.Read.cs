using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.AppState;
using CodeChat.Grains.Messages;
using CodeChat.WhatsApp.AppState;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.Instances;

/// <summary>
/// "Mark as read" (<c>/chat/markMessageAsRead</c>, <c>/chat/readMessages</c>): read receipts to the
/// senders, the stored messages moved to READ, and then each chat marked read on the phone and the other
/// companions with a <c>markChatAsRead</c> app-state patch (as WhatsApp Web does when a chat is read;
/// Baileys 7 chat-utils <c>chatModificationToAppPatch</c> <c>markRead</c>), its range naming the newest
/// message read in the chat. The patch is best effort and never delays the answer: the receipts are what
/// the route answers for, so the patch goes out after it, in the background on the grain's scheduler, and
/// one that fails (no app-state key shared yet, server refusal, timeout) is logged only. Reads that come
/// while a patch is out are coalesced into the next one, so at most one is in flight.
/// </summary>
public sealed partial class InstanceGrain
{
    /// <summary>Chats read whose markChatAsRead patch has not gone out yet; drained by <see cref="_markingChatsRead"/>.</summary>
    private readonly List<ReadInChat> _chatsToMarkRead = [];

    /// <summary>The background loop sending <see cref="_chatsToMarkRead"/>, one patch at a time; null or completed when idle.</summary>
    private Task? _markingChatsRead;

    public async Task<ReadMessagesResult> MarkStoredReadAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (!state.State.Exists)
            return new ReadMessagesResult(ReadMessagesOutcome.NotFound, 0, []);
        var keys = new List<ReadMessageKey>();
        foreach (var id in ids.Distinct())
        {
            // Only this instance's messages: CodeChat 1.3 dropped the filter and marked every instance's.
            if (await messages.FindAsync(Name, id, cancellationToken) is { } stored)
                keys.Add(new ReadMessageKey(stored.Key.RemoteJid, stored.Key.Id, stored.Key.FromMe, stored.Participant));
        }
        return await MarkReadAsync(keys, cancellationToken);
    }

    public async Task<ReadMessagesResult> MarkReadAsync(IReadOnlyList<ReadMessageKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!state.State.Exists)
            return new ReadMessagesResult(ReadMessagesOutcome.NotFound, 0, []);
        if (_session is not { } session || state.State.Connection.Actual != InstanceConnectionState.Open)
            return new ReadMessagesResult(ReadMessagesOutcome.NotConnected, 0, []);

        var receipts = 0;
        var marked = new List<MessageKey>();
        var read = new List<ReadInChat>();
        // A read receipt is for what others sent; our own messages are skipped, as Baileys does.
        foreach (var group in keys.Where(key => !key.FromMe).GroupBy(key => (key.RemoteJid, Participant: GroupParticipant(key))))
        {
            if (!Jid.TryParse(group.Key.RemoteJid, out var chat))
                continue;
            Jid? participant = group.Key.Participant is { } p && Jid.TryParse(p, out var parsed) ? parsed : null;
            var ids = group.Select(key => key.Id).Distinct(StringComparer.Ordinal).ToList();
            try
            {
                await session.Client.SendReadReceiptAsync(chat, participant, ids, cancellationToken);
            }
            catch (WaClientException exception)
            {
                LogReadReceiptFailed(Name, exception);
                return new ReadMessagesResult(ReadMessagesOutcome.Failed, receipts, marked, exception.Message);
            }
            receipts++;
            foreach (var id in ids)
            {
                var key = new MessageKey(group.Key.RemoteJid, id, FromMe: false);
                if (await messages.UpdateStatusAsync(Name, key, MessageStatus.Read, timeProvider.GetUtcNow(), cancellationToken) is not null)
                    marked.Add(key);
            }
            // A status post read is no chat of the phone's list: nothing to mark there.
            if (!group.Key.RemoteJid.EndsWith("@broadcast", StringComparison.Ordinal))
                read.Add(new ReadInChat(group.Key.RemoteJid, group.Key.Participant, ids));
        }
        MarkChatsReadInBackground(read);
        return new ReadMessagesResult(ReadMessagesOutcome.Succeeded, receipts, marked);
    }

    /// <summary>
    /// Queues the chats read for a <c>markChatAsRead</c> patch and starts the background loop unless it runs
    /// already (it then takes them in its next patch). Runs on the grain's scheduler, so the list needs no lock.
    /// </summary>
    private void MarkChatsReadInBackground(List<ReadInChat> read)
    {
        if (read.Count == 0 || _session?.AppState is null)
            return;
        _chatsToMarkRead.AddRange(read);
        if (_markingChatsRead is not { IsCompleted: false })
            _markingChatsRead = MarkQueuedChatsReadAsync();
    }

    /// <summary>
    /// Sends what is queued as one patch (each bounded by the chat-modification timeout), then what was
    /// queued meanwhile, until nothing is left; failures are logged only, nothing escapes the task.
    /// </summary>
    private async Task MarkQueuedChatsReadAsync()
    {
        // Off the request's turn: the route answers first.
        await Task.Yield();
        while (_chatsToMarkRead.Count > 0)
        {
            var batch = _chatsToMarkRead.ToList();
            _chatsToMarkRead.Clear();
            try
            {
                if (_session?.AppState is not { } appState)
                {
                    LogMarkChatsReadFailed(Name, ChatsIn(batch), "the session closed");
                    continue;
                }
                await SendMarkChatsReadAsync(appState, batch, CancellationToken.None);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Whatever went wrong (the store included), the receipts went out and the route answered for them.
                LogMarkChatsReadFailed(Name, ChatsIn(batch), exception.Message);
            }
        }
    }

    /// <summary>
    /// One <c>markChatAsRead</c> patch for the chats read, each with its newest stored message read (the
    /// last id given, at the current time, when none is stored); a refusal is logged only.
    /// </summary>
    private async Task SendMarkChatsReadAsync(AppStateSync appState, List<ReadInChat> read, CancellationToken cancellationToken)
    {
        var newest = new Dictionary<string, (string Id, string? Participant, long Timestamp)>(StringComparer.Ordinal);
        foreach (var receipt in read)
        {
            foreach (var id in receipt.Ids)
            {
                var stored = await messages.FindByMessageIdAsync(Name, id, receipt.ChatJid, cancellationToken);
                var timestamp = stored?.MessageTimestamp ?? timeProvider.GetUtcNow().ToUnixTimeSeconds();
                if (!newest.TryGetValue(receipt.ChatJid, out var known) || timestamp >= known.Timestamp)
                    newest[receipt.ChatJid] = (id, receipt.Participant, timestamp);
            }
        }
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var actions = newest.Select(chat => ChatActionPatches.MarkChatAsRead(chat.Key, true,
            ChatActionPatches.LastMessageRange(chat.Key, chat.Value.Id, fromMe: false, chat.Value.Participant, chat.Value.Timestamp), now).Action).ToList();
        var (outcome, error) = await SendChatActionsAsync(appState, AppStateCollections.RegularLow, actions, cancellationToken);
        if (outcome != ChatModificationOutcome.Done)
            LogMarkChatsReadFailed(Name, actions.Count, error ?? outcome.ToString());
    }

    private static int ChatsIn(List<ReadInChat> read) => read.Select(receipt => receipt.ChatJid).Distinct(StringComparer.Ordinal).Count();

    /// <summary>The messages of one chat (and, in a group, one sender) a read receipt went out for.</summary>
    private sealed record ReadInChat(string ChatJid, string? Participant, IReadOnlyList<string> Ids);

    /// <summary>The sender a group receipt names (device part dropped); none in a 1:1 chat.</summary>
    private static string? GroupParticipant(ReadMessageKey key) =>
        MessageHeaderJson.IsGroup(key.RemoteJid) || key.RemoteJid.EndsWith("@broadcast", StringComparison.Ordinal) ? key.Participant : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: the markChatAsRead app-state patch for {Chats} chat(s) failed (the read receipts went out): {Reason}")]
    private partial void LogMarkChatsReadFailed(string instanceName, int chats, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: sending a read receipt failed")]
    private partial void LogReadReceiptFailed(string instanceName, Exception exception);
}
