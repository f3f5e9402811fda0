using System.Collections.Concurrent;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Signal;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: receiving 1:1 messages (whatsapp-protocol.md §7.1–7.2; whatsmeow message.go
// handleEncryptedMessage/decryptDM, receipt.go, retry.go sendRetryReceipt; Baileys 7
// messages-recv.ts handleMessage). Messages and receipts are handled one at a time, in arrival
// order, by a worker beside the reader loop: decrypting must follow the ratchet order, and the
// durable hook may take a while (or call back into code that sends, which needs the reader loop
// to deliver its iq answers).
public sealed partial class WaClient
{
    private const int UnconfirmedCapacity = 1024;

    // Retry receipts sent per incoming message id (whatsmeow keeps the same in-memory counter).
    private readonly ConcurrentDictionary<string, int> _retryCounts = new(StringComparer.Ordinal);
    // Decrypted messages whose durable hook failed, by sender and id: the ratchet already moved past
    // them, so when the server redelivers one it can only be handed to the hook from here.
    private readonly ConcurrentDictionary<string, IncomingMessage> _unconfirmed = new(StringComparer.Ordinal);

    private async Task ProcessInboundAsync(WaClientSession session)
    {
        await foreach (var stanza in session.Inbound.Reader.ReadAllAsync(session.Token).ConfigureAwait(false))
        {
            try
            {
                if (stanza.Tag == "message")
                {
                    await HandleMessageAsync(session, stanza).ConfigureAwait(false);
                }
                else if (stanza.Tag == "notification")
                {
                    await HandleGroupNotificationAsync(session, stanza).ConfigureAwait(false);
                }
                else if (stanza.Tag == "call")
                {
                    await HandleCallAsync(session, stanza).ConfigureAwait(false);
                }
                else
                {
                    await HandleReceiptAsync(session, stanza).ConfigureAwait(false);
                }
            }
            catch (Exception exception) when (exception is WaBinaryException or InvalidProtocolBufferException or FormatException or ArgumentException)
            {
                // Malformed addressing: nothing to decrypt or confirm; the rest of the stream is fine.
                Log.MalformedStanza(_logger, stanza.Tag, exception);
            }
        }
    }

    private async Task HandleMessageAsync(WaClientSession session, Node stanza)
    {
        var token = session.Token;
        var credentials = Credentials ?? throw new WaClientException("No credentials while receiving.");
        var ownPn = credentials.GetJid() ?? throw new WaClientException("Received a message before pairing.");
        var source = MessageSource.Parse(stanza, ownPn, credentials.GetLid());
        var id = stanza.GetRequiredAttribute("id");
        if (source.SenderLid is { } senderLid && source.SenderPhoneNumber is { } senderPn)
        {
            await LearnLidMappingAsync(senderLid, senderPn, token).ConfigureAwait(false);
        }

        var encs = stanza.GetChildren("enc").ToList();
        // Status posts travel like group messages: a sender key per poster under status@broadcast,
        // handed out in a pkmsg beside the skmsg (Baileys 7 relayMessage treats isStatus as a group;
        // whatsmeow decryptGroupMsg serves both).
        var senderKeyChat = source.IsGroup || source.Chat.IsStatusBroadcast;
        if (encs.Count == 0
            || (!senderKeyChat && !source.Chat.IsUserPn && !source.Chat.IsLid)
            || encs.Exists(e => e.GetAttribute("type") is not ("pkmsg" or "msg" or "skmsg") || (e.GetAttribute("type") == "skmsg" && !senderKeyChat)))
        {
            // Broadcast lists and stanzas without a ciphertext we know are not handled yet; acked
            // so the server does not redeliver them forever.
            Log.MessageNotHandled(_logger, id, source.Chat.Server);
            await session.Connection.SendAsync(MessageNodes.MessageAck(stanza), token).ConfigureAwait(false);
            return;
        }

        NoteSenderDevice(source.Sender);
        var address = await SessionAddressAsync(source.Sender, token).ConfigureAwait(false);
        Message? message = null;
        var identityChanged = false;
        // In document order: a pkmsg/msg may carry the sender key the following skmsg needs (pitfall P6).
        foreach (var enc in encs)
        {
            var ciphertext = enc.Bytes ?? ReadOnlyMemory<byte>.Empty;
            byte[] plaintext;
            try
            {
                if (enc.GetAttribute("type") == "skmsg")
                {
                    plaintext = await DecryptGroupMessageAsync(source.Chat, address, ciphertext, token).ConfigureAwait(false);
                }
                else
                {
                    var type = enc.GetAttribute("type") == "pkmsg" ? SignalMessageType.PreKey : SignalMessageType.Whisper;
                    var decrypted = await SignalSessions().DecryptAsync(address, type, ciphertext, token).ConfigureAwait(false);
                    identityChanged |= decrypted.IdentityChanged;
                    plaintext = decrypted.Plaintext;
                }
            }
            catch (DuplicateSignalMessageException duplicate)
            {
                await HandleRedeliveryAsync(session, stanza, source, id, duplicate).ConfigureAwait(false);
                return;
            }
            catch (SignalProtocolException exception)
            {
                await SendRetryReceiptAsync(session, stanza, source, id, exception).ConfigureAwait(false);
                return;
            }
            if (enc.GetAttribute("v") == "3")
            {
                // Messenger/armadillo transport: unpadded and not a waE2E.Message (§7.1).
                continue;
            }
            Message part;
            try
            {
                part = Message.Parser.ParseFrom(MessagePadding.Unpad(plaintext).Span);
            }
            catch (Exception exception) when (exception is InvalidProtocolBufferException or InvalidSignalMessageException)
            {
                // whatsmeow NackInvalidProtobuf; a resend would carry the same bytes, so no retry.
                Log.UnparsableMessage(_logger, id, exception.GetType().Name);
                var unparsable = new MessageDecryptionFailedEvent(id, source, exception.GetType().Name, RetryCount: null, Unparsable: true);
                Publish(unparsable);
                if (await ReportUnprocessableAsync(session, unparsable).ConfigureAwait(false))
                {
                    await session.Connection.SendAsync(MessageNodes.MessageAck(stanza, error: 491), token).ConfigureAwait(false);
                }
                return;
            }
            if (senderKeyChat && part.SenderKeyDistributionMessage is { } distribution)
            {
                await ProcessSenderKeyDistributionAsync(source.Chat, address, distribution, token).ConfigureAwait(false);
            }
            // A later part (the skmsg after the SKDM part) is the message itself.
            if (message is null || !IsOnlyKeyDistribution(part))
            {
                message = part;
            }
        }
        _retryCounts.TryRemove(id, out _);
        if (identityChanged)
        {
            PublishIdentityChanges([address]);
        }
        if (message is null || IsOnlyKeyDistribution(message))
        {
            // Nothing to store (a sender key on its own, or a v3 payload): confirm it as handled.
            if (message is not null)
            {
                await session.Connection.SendAsync(MessageNodes.DeliveryReceipt(stanza, source.IsFromMe), token).ConfigureAwait(false);
            }
            await session.Connection.SendAsync(MessageNodes.MessageAck(stanza), token).ConfigureAwait(false);
            return;
        }

        var incoming = new IncomingMessage(
            id,
            source,
            stanza.GetUnixTime("t") ?? _time.GetUtcNow(),
            stanza.GetAttribute("notify"),
            stanza.GetAttribute("offline") is not null,
            source.IsFromMe && message.DeviceSentMessage?.Message is { } inner ? inner : message,
            identityChanged);
        await ConfirmAsync(session, stanza, incoming).ConfigureAwait(false);
    }

    /// <summary>Durable hook first, then receipt and ack, then the event (pitfall P8).</summary>
    private async Task ConfirmAsync(WaClientSession session, Node stanza, IncomingMessage incoming)
    {
        var key = UnconfirmedKey(incoming.Sender, incoming.Id);
        if (_options.StoreIncomingMessageAsync is { } store)
        {
            // Kept until confirmed, also when the connection dies during the hook: the server
            // redelivers it, and only this copy can be stored then.
            if (_unconfirmed.Count < UnconfirmedCapacity)
            {
                _unconfirmed[key] = incoming;
            }
            try
            {
                await store(incoming, session.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (!session.Token.IsCancellationRequested)
            {
                Log.StoreFailed(_logger, incoming.Id, exception);
                return;
            }
        }
        _unconfirmed.TryRemove(key, out _);
        await session.Connection.SendAsync(MessageNodes.DeliveryReceipt(stanza, incoming.Source.IsFromMe), session.Token).ConfigureAwait(false);
        await session.Connection.SendAsync(MessageNodes.MessageAck(stanza), session.Token).ConfigureAwait(false);
        Publish(new MessageReceivedEvent(incoming));
    }

    /// <summary>
    /// A message whose key was already used: a redelivery, so it was never confirmed. When its
    /// decrypted copy waits for the hook it is stored and confirmed now. Otherwise the copy is gone
    /// (the process restarted between decrypting and storing), and only the sender can bring the
    /// message back: we ask for it with a retry receipt, which makes it encrypt the message again
    /// on the next ratchet key. whatsmeow and Baileys just ignore an old counter; we ask because a
    /// message that reached no storage must not be lost (pitfall P8). A copy that was stored after
    /// all comes again under the same id, which the hook's store treats as the same message.
    /// </summary>
    private async Task HandleRedeliveryAsync(WaClientSession session, Node stanza, MessageSource source, string id, DuplicateSignalMessageException duplicate)
    {
        if (_unconfirmed.TryGetValue(UnconfirmedKey(source.Sender, id), out var pending))
        {
            await ConfirmAsync(session, stanza, pending).ConfigureAwait(false);
            return;
        }
        Log.DuplicateMessage(_logger, id);
        await SendRetryReceiptAsync(session, stanza, source, id, duplicate).ConfigureAwait(false);
    }

    private async Task SendRetryReceiptAsync(WaClientSession session, Node stanza, MessageSource source, string id, SignalProtocolException failure)
    {
        var token = session.Token;
        var count = _retryCounts.AddOrUpdate(id, RetryCountFromStanza(stanza) + 1, (_, previous) => previous + 1);
        int? sent = null;
        if (count < _options.MaxRetryReceiptCount)
        {
            var credentials = Credentials ?? throw new WaClientException("No credentials while receiving.");
            // whatsmeow attaches our keys from the second attempt on, and at once when there is no session.
            var withKeys = count > 1 || failure is NoSignalSessionException;
            var preKey = withKeys ? (await _store.GetOrGeneratePreKeysAsync(1, token).ConfigureAwait(false))[0] : null;
            await session.Connection.SendAsync(MessageNodes.RetryReceipt(stanza, count, credentials, preKey), token).ConfigureAwait(false);
            sent = count;
            _ = GiveUpUnlessAnsweredAsync(session, new MessageDecryptionFailedEvent(id, source, failure.GetType().Name, RetryCount: null), count);
        }
        else
        {
            _retryCounts.TryRemove(id, out _);
        }
        Log.DecryptionFailed(_logger, id, failure.GetType().Name, sent);
        var failed = new MessageDecryptionFailedEvent(id, source, failure.GetType().Name, sent);
        Publish(failed);
        if (failed.IsFinal && !await ReportUnprocessableAsync(session, failed).ConfigureAwait(false))
        {
            return;
        }
        await session.Connection.SendAsync(MessageNodes.MessageAck(stanza), token).ConfigureAwait(false);
    }

    /// <summary>
    /// Reports a message as lost when the sender did not answer retry receipt <paramref name="count"/>
    /// in time (no resend that decrypted, no later retry). The stanza was acked already, so this report
    /// is not ordered before an ack; a restart inside the wait loses the report, never a message.
    /// </summary>
    private async Task GiveUpUnlessAnsweredAsync(WaClientSession session, MessageDecryptionFailedEvent failure, int count)
    {
        try
        {
            await Task.Delay(_options.RetryReceiptAnswerTimeout, _time, session.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        // Still at this count: nothing came back. Removing it first makes a late resend start afresh.
        if (!((ICollection<KeyValuePair<string, int>>)_retryCounts).Remove(new KeyValuePair<string, int>(failure.Id, count)))
        {
            return;
        }
        Log.RetryUnanswered(_logger, failure.Id, count);
        Publish(failure);
        await ReportUnprocessableAsync(session, failure).ConfigureAwait(false);
    }

    /// <summary>
    /// Hands a message we give up on to the durable report hook before its ack; false when the hook
    /// failed, so the stanza stays unacked and comes again.
    /// </summary>
    private async Task<bool> ReportUnprocessableAsync(WaClientSession session, MessageDecryptionFailedEvent failure)
    {
        if (_options.ReportUnprocessableMessageAsync is not { } report)
        {
            return true;
        }
        try
        {
            await report(failure, session.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (!session.Token.IsCancellationRequested)
        {
            Log.ReportFailed(_logger, failure.Id, exception);
            return false;
        }
    }

    /// <summary>True for a message that carries a sender key distribution and nothing a user sees.</summary>
    private static bool IsOnlyKeyDistribution(Message message)
    {
        if (message.SenderKeyDistributionMessage is null && message.FastRatchetKeySenderKeyDistributionMessage is null)
        {
            return false;
        }
        var rest = message.Clone();
        rest.SenderKeyDistributionMessage = null;
        rest.FastRatchetKeySenderKeyDistributionMessage = null;
        rest.MessageContextInfo = null;
        return rest.CalculateSize() == 0;
    }

    // A resend that answers our retry carries its count on the enc (whatsmeow reads it the same way
    // so a restart in between does not reset the count).
    private static int RetryCountFromStanza(Node stanza) =>
        stanza.GetChildren("enc").Select(enc => enc.GetInt32("count") ?? 0).DefaultIfEmpty(0).Max();

    private async Task HandleReceiptAsync(WaClientSession session, Node receipt)
    {
        var from = receipt.GetRequiredJid("from");
        var type = receipt.GetAttribute("type") ?? "";
        var ids = new List<string> { receipt.GetRequiredAttribute("id") };
        ids.AddRange(receipt.GetChild("list")?.GetChildren("item").Select(item => item.GetAttribute("id")).OfType<string>() ?? []);
        if (type != "retry")
        {
            Publish(new ReceiptReceivedEvent(from, receipt.GetJid("participant"), ids, type, receipt.GetUnixTime("t")));
        }
        else
        {
            await HandleRetryReceiptAsync(session, receipt).ConfigureAwait(false);
        }
        await session.Connection.SendAsync(ClientNodes.Ack(receipt), session.Token).ConfigureAwait(false);
    }

    private static string UnconfirmedKey(Jid sender, string id) => sender.ToString() + "/" + id;

    private static partial class Log
    {
        [LoggerMessage(31, LogLevel.Information, "Message {Id} in a {Server} chat is not handled yet; acked")]
        public static partial void MessageNotHandled(ILogger logger, string id, string server);

        [LoggerMessage(32, LogLevel.Warning, "Could not decrypt message {Id} ({Failure}); retry receipt {RetryCount}")]
        public static partial void DecryptionFailed(ILogger logger, string id, string failure, int? retryCount);

        [LoggerMessage(33, LogLevel.Warning, "Message {Id} decrypted but is not a valid message ({Failure}); nacked")]
        public static partial void UnparsableMessage(ILogger logger, string id, string failure);

        [LoggerMessage(34, LogLevel.Error, "Storing incoming message {Id} failed; not confirmed, the server will deliver it again")]
        public static partial void StoreFailed(ILogger logger, string id, Exception exception);

        [LoggerMessage(35, LogLevel.Information, "Message {Id} was decrypted before but never stored; asking the sender to send it again")]
        public static partial void DuplicateMessage(ILogger logger, string id);

        [LoggerMessage(71, LogLevel.Warning, "Message {Id} could not be decrypted and the sender did not answer retry receipt {Count}; reported as lost")]
        public static partial void RetryUnanswered(ILogger logger, string id, int count);

        [LoggerMessage(70, LogLevel.Error, "Reporting unprocessable message {Id} failed; not acked, the server will deliver it again")]
        public static partial void ReportFailed(ILogger logger, string id, Exception exception);
    }
}
