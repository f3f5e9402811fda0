using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Signal;
using CodeChat.WhatsApp.Signal.Groups;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: answering a peer's retry receipt for a message we sent (whatsapp-protocol.md §7.2;
// whatsmeow retry.go handleRetryReceipt): re-encrypt the kept message for that one device — with a
// new session from the receipt's keys, or from a fetched bundle when we have no session or this is
// a repeated retry — and send it with the retry count on the enc: a 1:1 message with
// device_fanout="false"; a group message to the group with the asking device as participant and our
// current sender key distribution inside (whatsmeow adds the SKDM the same way), so the member can
// read what follows too — but only while that member is still in the group. A status post is answered
// as a group message, to status@broadcast, and only to a device of a user it was posted to.
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
        // In a group the receipt comes from the group and names the member's device that asks.
        var participant = receipt.GetJid("participant");
        var device = participant ?? from;
        // A retry can mean the peer's devices changed under us (whatsmeow refetches on retry too).
        _deviceLists.Forget(device);
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
        Message message;
        var senderKeyed = from.IsGroup || from.IsStatusBroadcast;
        if (senderKeyed)
        {
            if (participant is not { } asking || !sent.Chat.IsSameUserAs(from) || sent.Chat.Server != from.Server)
            {
                Log.RetryNotAnswered(_logger, id, "group retry without the asking member or for another chat");
                return;
            }
            var member = from.IsGroup
                ? await IsGroupMemberAsync(from, asking, token).ConfigureAwait(false)
                : await IsInStatusAudienceAsync(sent, asking, token).ConfigureAwait(false);
            if (!member)
            {
                // A removed member (or someone a status was not posted to) must not get the sender key.
                Log.RetryNotAnswered(_logger, id, "the asking device's user is not in the group or the status audience");
                return;
            }
            // Under the send gate: right after a rotation a group send may be creating the new key too.
            await _sendGate.WaitAsync(token).ConfigureAwait(false);
            try
            {
                message = await WithOwnSenderKeyAsync(from, sent.Message, ownPn, ownLid, token).ConfigureAwait(false);
            }
            finally
            {
                _sendGate.Release();
            }
        }
        else
        {
            var fromMe = from.IsSameUserAs(ownPn) || (ownLid is { } lid && from.IsSameUserAs(lid));
            // Only the chat the message went to (or our own devices, which got a copy) may have it again:
            // ids alone would let any contact who learned one fetch a message meant for someone else.
            if (sent.Chat.IsGroup || sent.Chat.IsStatusBroadcast || (!fromMe && !await IsSameContactAsync(from, sent.Chat, token).ConfigureAwait(false)))
            {
                Log.RetryNotAnswered(_logger, id, "the asking device is not of the chat the message went to");
                return;
            }
            message = fromMe ? DeviceSent(sent.Chat, sent.Message) : sent.Message;
        }

        var address = await SessionAddressAsync(device, token).ConfigureAwait(false);
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
        if (senderKeyed)
        {
            attributes.Add(new("participant", participant!.Value));
        }
        else
        {
            attributes.Add(new("device_fanout", "false"));
        }
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

    /// <summary>Whether <paramref name="device"/> belongs to the user <paramref name="chat"/> names, in either addressing (through the LID mapping).</summary>
    private async Task<bool> IsSameContactAsync(Jid device, Jid chat, CancellationToken cancellationToken)
    {
        if (device.IsSameUserAs(chat))
        {
            return true;
        }
        var other = chat.IsLid
            ? await _store.GetPhoneNumberForLidAsync(chat, cancellationToken).ConfigureAwait(false)
            : await _store.GetLidForPhoneNumberAsync(chat, cancellationToken).ConfigureAwait(false);
        return other is { } alternate && device.IsSameUserAs(alternate);
    }

    /// <summary>Whether <paramref name="device"/>'s user (PN or LID) is a participant of <paramref name="group"/> now.</summary>
    private async Task<bool> IsGroupMemberAsync(Jid group, Jid device, CancellationToken cancellationToken)
    {
        GroupInfo info;
        try
        {
            info = await GetGroupAsync(group, cancellationToken).ConfigureAwait(false);
        }
        catch (WaIqException)
        {
            // No such group any more, or we left it: nobody is a member we may answer.
            return false;
        }
        return info.Participants.Any(p => device.IsSameUserAs(p.Jid)
            || (p.Lid is { } lid && device.IsSameUserAs(lid))
            || (p.PhoneNumber is { } phone && device.IsSameUserAs(phone)));
    }

    /// <summary><paramref name="message"/> with our current sender key distribution for <paramref name="group"/> added.</summary>
    private async Task<Message> WithOwnSenderKeyAsync(Jid group, Message message, Jid ownPn, Jid? ownLid, CancellationToken cancellationToken)
    {
        var distribution = await new GroupSessionBuilder(_senderKeys).CreateAsync(OwnSenderKeyName(group, ownPn, ownLid), cancellationToken).ConfigureAwait(false);
        var withKey = message.Clone();
        withKey.SenderKeyDistributionMessage = new Proto.SenderKeyDistributionMessage
        {
            GroupID = group.ToString(),
            AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(distribution.Serialized.Span),
        };
        return withKey;
    }

    private static partial class Log
    {
        [LoggerMessage(38, LogLevel.Information, "Resent message {Id} for retry {Count} as {EncType}")]
        public static partial void RetryAnswered(ILogger logger, string id, int count, string encType);

        [LoggerMessage(39, LogLevel.Warning, "Retry receipt for message {Id} not answered: {Reason}")]
        public static partial void RetryNotAnswered(ILogger logger, string id, string reason);
    }
}
