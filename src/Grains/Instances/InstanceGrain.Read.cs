using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Messages;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.Instances;

/// <summary>
/// "Mark as read" (<c>/chat/markMessageAsRead</c>, <c>/chat/readMessages</c>): read receipts to the
/// senders, and the stored messages moved to READ.
/// </summary>
public sealed partial class InstanceGrain
{
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
        }
        return new ReadMessagesResult(ReadMessagesOutcome.Succeeded, receipts, marked);
    }

    /// <summary>The sender a group receipt names (device part dropped); none in a 1:1 chat.</summary>
    private static string? GroupParticipant(ReadMessageKey key) =>
        MessageHeaderJson.IsGroup(key.RemoteJid) || key.RemoteJid.EndsWith("@broadcast", StringComparison.Ordinal) ? key.Participant : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: sending a read receipt failed")]
    private partial void LogReadReceiptFailed(string instanceName, Exception exception);
}
