using CodeChat.WhatsApp.Proto;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: which history sync notifications we take (whatsapp-protocol.md §9.1). The phone sends
// them after linking as protocol messages (HISTORY_SYNC_NOTIFICATION) pointing at a blob on the
// media host. Only our own primary phone (device 0 of our account) may send history: whatsmeow's
// handleProtocolMessage and Baileys 7's process-message.js SELF_ONLY_TYPES drop them when they are
// not from us; we are stricter and also require device 0, because no companion sends history.
// A taken notification goes to the durable hook like any message (the host fetches, decodes and
// stores the chunk there, see History/HistorySyncDownload.cs), and only after the hook returned
// does the phone get the hist_sync receipt (whatsmeow SendProtocolMessageReceipt): a chunk is never
// acknowledged before it is stored.
public sealed partial class WaClient
{
    /// <summary>The history sync notification a message carries, or null.</summary>
    public static HistorySyncNotification? HistorySyncNotificationOf(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.ProtocolMessage is { Type: ProtocolMessage.Types.Type.HistorySyncNotification, HistorySyncNotification: { } notification }
            ? notification
            : null;
    }

    /// <summary>True when <paramref name="source"/> is our own account's primary phone in our own chat.</summary>
    public static bool IsFromOwnPrimaryDevice(MessageSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source is { IsFromMe: true, IsGroup: false } && source.Sender.Device == 0 && source.Chat.IsSameUserAs(source.Sender.ToNonAd());
    }

    /// <summary>
    /// A history sync notification from anyone but our primary phone: confirmed (so the server stops
    /// redelivering it) but never handed to the hook, so a stranger cannot inject history.
    /// </summary>
    private async Task<bool> RefuseForeignHistorySyncAsync(WaClientSession session, Binary.Node stanza, MessageSource source, string id, Message message)
    {
        if (HistorySyncNotificationOf(message) is null || IsFromOwnPrimaryDevice(source))
            return false;
        Log.ForeignHistorySyncIgnored(_logger, id, source.Sender.ToString());
        await session.Connection.SendAsync(MessageNodes.DeliveryReceipt(stanza, source.IsFromMe), session.Token).ConfigureAwait(false);
        await session.Connection.SendAsync(MessageNodes.MessageAck(stanza), session.Token).ConfigureAwait(false);
        return true;
    }

    /// <summary>After the hook stored a history chunk: the hist_sync receipt to our phone.</summary>
    private async Task AcknowledgeHistorySyncAsync(WaClientSession session, IncomingMessage incoming)
    {
        if (HistorySyncNotificationOf(incoming.Message) is null || !IsFromOwnPrimaryDevice(incoming.Source))
            return;
        var ownPn = Credentials?.GetJid() ?? throw new WaClientException("No own JID while acknowledging history.");
        await session.Connection.SendAsync(MessageNodes.HistorySyncReceipt(incoming.Id, ownPn), session.Token).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(110, LogLevel.Warning, "History sync notification {Id} from {Sender} ignored: only our own primary phone sends history")]
        public static partial void ForeignHistorySyncIgnored(ILogger logger, string id, string sender);
    }
}
