using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.History;
using CodeChat.Grains.Messages;
using CodeChat.Grains.Sessions;
using CodeChat.Grains.Storage;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.History;
using CodeChat.WhatsApp.Media;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WaMessage = CodeChat.WhatsApp.Proto.Message;

namespace CodeChat.Grains.Instances;

/// <summary>
/// History sync after linking (whatsapp-protocol.md §9.1): our phone's HISTORY_SYNC_NOTIFICATION
/// arrives through the same durable hook as every message; here the chunk is fetched (download,
/// hash/MAC check, decrypt, inflate, decode: CodeChat.WhatsApp.History), its LID↔phone pairs are
/// learned through the session's client (WaClient.LearnLidMappingsAsync), and its chats, contacts and messages are stored with <c>chats.set</c>,
/// <c>contacts.upsert</c> and <c>messages.set</c> in one transaction (PostgresHistoryStore). The
/// session's client sends the <c>hist_sync</c> receipt only after this returned, so the phone never
/// hears "taken" for a chunk that is not stored; a failure here leaves the notification unconfirmed
/// and WhatsApp delivers it again. History is always stored: CodeChat 1.3 had no per-instance switch
/// for it (its <c>DATABASE_SYNC_MESSAGES</c> was a server-wide setting, codechat-api.md §9), and the
/// find routes answer from what is stored.
/// </summary>
public sealed partial class InstanceGrain
{
    private PostgresHistoryStore HistoryStore => ServiceProvider.GetRequiredService<PostgresHistoryStore>();

    /// <summary>True when <paramref name="message"/> was a history sync notification (stored, or refused and logged).</summary>
    private async Task<bool> TryStoreHistorySyncAsync(ReceivedMessage received, WaMessage message, CancellationToken cancellationToken)
    {
        if (WaClient.HistorySyncNotificationOf(message) is not { } notification)
            return false;
        // The client passes only our own phone's; checked again so no other path can inject history.
        if (!received.FromMe || !Jid.TryParse(received.Sender, out var sender) || sender.Device != 0 || MessageHeaderJson.IsGroup(received.Chat))
        {
            LogForeignHistoryRefused(Name, received.Id, received.Sender);
            return true;
        }
        if (_session is not { } session)
            throw new InvalidOperationException($"Instance {Name} has no session to download history chunk {received.Id} with.");

        var http = ServiceProvider.GetRequiredService<IHttpClientFactory>().CreateClient(MessagingReceiveOptions.MediaHttpClientName);
        var transfer = new MediaTransfer(http, (refresh, token) => session.Client.GetMediaConnectionAsync(refresh, token));
        WhatsApp.Proto.HistorySync history;
        try
        {
            history = await HistorySyncDownload.FetchAsync(transfer, notification, cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (exception is HistorySyncException or MediaIntegrityException or MediaTransferException { MediaExpired: true })
        {
            // The same bytes would fail again: confirmed without data rather than redelivered forever.
            LogHistoryUnreadable(Name, received.Id, exception.GetType().Name, exception.Message);
            return true;
        }

        var chunk = HistoryChunk.From(history);
        // Through the client: its rules apply (sessions move to the LID; a pair naming our own account is ignored).
        var pairs = new List<(Jid Lid, Jid PhoneNumber)>();
        foreach (var (lid, phoneNumber) in chunk.LidMappings.Distinct())
        {
            if (Jid.TryParse(lid, out var lidJid) && Jid.TryParse(phoneNumber, out var phoneJid))
                pairs.Add((lidJid, phoneJid));
        }
        await session.Client.LearnLidMappingsAsync(pairs, cancellationToken);
        var outcome = await HistoryStore.SaveAsync(Name, state.State.Id, state.State.OwnerJid, chunk, timeProvider.GetUtcNow(), cancellationToken);
        if (outcome.Events > 0)
            await GrainFactory.GetGrain<IWebhookDispatcherGrain>(Name).WakeAsync();
        LogHistoryStored(Name, received.Id, chunk.SyncType.ToString(), chunk.ChunkOrder, chunk.Progress,
            outcome.NewChats, outcome.Contacts, outcome.NewMessages, chunk.LidMappings.Count);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: history sync notification {MessageId} from {Sender} refused: only our own primary phone sends history")]
    private partial void LogForeignHistoryRefused(string instanceName, string messageId, string sender);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: history chunk {MessageId} cannot be read ({Failure}: {Reason}); confirmed without data")]
    private partial void LogHistoryUnreadable(string instanceName, string messageId, string failure, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: history chunk {MessageId} ({SyncType} #{ChunkOrder}, {Progress}%) stored: {NewChats} new chats, {Contacts} new or changed contacts, {NewMessages} new messages, {Mappings} LID pairs")]
    private partial void LogHistoryStored(string instanceName, string messageId, string syncType, uint chunkOrder, uint progress, int newChats, int contacts, int newMessages, int mappings);
}
