using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Signal;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: answering a peer's retry receipt for a message we sent (whatsapp-protocol.md §7.2;
// whatsmeow retry.go handleRetryReceipt): re-encrypt the kept message for that one device — with a
// new session from the receipt's keys, or from a fetched bundle when we have no session or this is
// a repeated retry — and send it with device_fanout="false" and the retry count on the enc.
public sealed partial class WaClient
{
    // whatsmeow gives up on a message after this many retries from one device (§7.2: "ignore more than ~10").
    private const int MaxRetriesAnswered = 10;

    private async Task HandleRetryReceiptAsync(WaClientSession session, Node receipt)
    {
        var token = session.Token;
        var retry = receipt.GetChild("retry") ?? throw new WaBinaryException("A retry receipt has no <retry>.");
        var id = retry.GetAttribute("id") ?? receipt.GetRequiredAttribute("id");
        var count = retry.GetInt32("count") ?? 1;
        var from = receipt.GetRequiredJid("from");
        if (receipt.HasAttribute("participant") || from.IsGroup)
        {
            // Group retries need a fresh sender-key distribution; groups are not sent yet.
            Log.RetryNotAnswered(_logger, id, "group");
            return;
        }
        if (_recentSends.Find(id) is not { } sent)
        {
            Log.RetryNotAnswered(_logger, id, "unknown message");
            return;
        }
        if (count > MaxRetriesAnswered)
        {
            Log.RetryNotAnswered(_logger, id, "too many retries");
            return;
        }
        var credentials = Credentials ?? throw new WaClientException("No credentials while answering a retry.");
        var ownPn = credentials.GetJid() ?? throw new WaClientException("Not paired.");
        var ownLid = credentials.GetLid();
        var fromMe = from.IsSameUserAs(ownPn) || (ownLid is { } lid && from.IsSameUserAs(lid));
        var message = fromMe ? DeviceSent(sent.Chat, sent.Message) : sent.Message;

        var address = await SessionAddressAsync(from, token).ConfigureAwait(false);
        PreKeyBundle? bundle = null;
        if (receipt.HasChild("keys"))
        {
            bundle = PreKeyBundleNodes.ReadBundle(receipt);
        }
        else if (count >= 2 || !await SignalSessions().HasSessionAsync(address, token).ConfigureAwait(false))
        {
            var response = await SendIqAsync(PreKeyBundleNodes.Request([address.ToJid()]), token).ConfigureAwait(false);
            bundle = PreKeyBundleNodes.Parse(response).Values.FirstOrDefault();
        }
        if (bundle is not null && !bundle.HasValidSignature())
        {
            Log.RetryNotAnswered(_logger, id, "bad bundle signature");
            return;
        }

        var fanOut = await SignalSessions().EncryptForDevicesAsync(
            new Dictionary<SignalAddress, ReadOnlyMemory<byte>> { [address] = MessagePadding.Pad(message.ToByteArray()) },
            bundle is null ? null : new Dictionary<SignalAddress, PreKeyBundle> { [address] = bundle },
            token).ConfigureAwait(false);
        PublishIdentityChanges(fanOut.IdentityChanges);
        var encrypted = fanOut.Messages[address];
        var attributes = new List<NodeAttribute>
        {
            new("to", from),
            new("type", OutgoingMessageType.StanzaType(sent.Message)),
            new("id", id),
        };
        if (retry.GetAttribute("t") is { } t)
        {
            attributes.Add(new("t", t));
        }
        attributes.Add(new("device_fanout", "false"));
        if (receipt.GetAttribute("recipient") is { } recipient)
        {
            attributes.Add(new("recipient", recipient));
        }
        var children = new List<Node> { Enc(encrypted, OutgoingMessageType.MediaType(sent.Message), count) };
        if (encrypted.Type == SignalMessageType.PreKey && credentials.Account is { } account)
        {
            children.Add(new Node("device-identity", default, account));
        }
        await session.Connection.SendAsync(new Node("message", NodeAttributes.Create(attributes), children), token).ConfigureAwait(false);
        Log.RetryAnswered(_logger, id, count, encrypted.EncType);
    }

    private static partial class Log
    {
        [LoggerMessage(38, LogLevel.Information, "Resent message {Id} for retry {Count} as {EncType}")]
        public static partial void RetryAnswered(ILogger logger, string id, int count, string encType);

        [LoggerMessage(39, LogLevel.Warning, "Retry receipt for message {Id} not answered: {Reason}")]
        public static partial void RetryNotAnswered(ILogger logger, string id, string reason);
    }
}
