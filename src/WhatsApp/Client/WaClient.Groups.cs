using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Signal;
using CodeChat.WhatsApp.Signal.Groups;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SignalSkdm = CodeChat.WhatsApp.Signal.Groups.SenderKeyDistributionMessage;

namespace CodeChat.WhatsApp.Client;

// Concern: group messages with sender keys (whatsapp-protocol.md §6.7, §6.10 step 8; whatsmeow
// send.go sendGroup, message.go decryptGroupMsg/handleSenderKeyDistributionMessage). Sending
// encrypts once with our sender key (skmsg) and hands our distribution message (SKDM) to every
// participant device in the per-device part, as whatsmeow does on every send; receiving takes in
// SKDMs from 1:1 parts and decrypts skmsg with the sender's key.
public sealed partial class WaClient
{
    /// <summary>Our sender key name in <paramref name="group"/>: the group and our own (LID when known) device address.</summary>
    private static SenderKeyName OwnSenderKeyName(Jid group, Jid ownDevice, Jid? ownLid) =>
        new(group, SignalAddress.FromJid(ownLid is { } lid ? lid.ToNonAd().WithDevice(ownDevice.Device) : ownDevice));

    /// <summary>
    /// The subject and current participants of <paramref name="group"/>: from the participant cache
    /// when a query or notification left it fresh (WaClient.GroupNotifications.cs), else from the
    /// metadata query, learning the participants' LID↔PN mappings on the way.
    /// </summary>
    /// <exception cref="WaIqException">The server refused (404: no such group, or we are not in it).</exception>
    /// <exception cref="WaClientException">Not connected, or the connection dropped.</exception>
    public async Task<GroupInfo> GetGroupAsync(Jid group, CancellationToken cancellationToken = default)
    {
        RequireGroup(group);
        var metadata = TryGetCachedGroup(group, out var cached)
            ? cached
            : await GetGroupMetadataAsync(group, cancellationToken).ConfigureAwait(false);
        return new GroupInfo(metadata.Jid, metadata.Subject,
            metadata.Participants.Select(p => new GroupParticipant(p.Jid, p.Lid, p.PhoneNumber)).ToList());
    }

    private async Task<SendResult> SendGroupMessageAsync(Jid group, Message message, string id, Jid ownDevice, Jid? ownLid, byte[] account, CancellationToken cancellationToken)
    {
        var participants = (await GetGroupAsync(group, cancellationToken).ConfigureAwait(false)).Participants;
        var lidAddressed = participants.Count > 0 && participants[0].Jid.IsLid;
        var sent = new SentMessage(group, id, message);
        return await SendWithSenderKeyAsync(sent, participants, lidAddressed, ownDevice, ownLid, account, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The sender-key fan-out a group message and a status post share (whatsmeow send.go sendGroup):
    /// one skmsg under our sender key for <paramref name="sent"/>'s chat, and our distribution message
    /// to every device of <paramref name="participants"/> (ours among them: our other devices) as
    /// pkmsg/msg in &lt;participants&gt;.
    /// </summary>
    private async Task<SendResult> SendWithSenderKeyAsync(SentMessage sent, IReadOnlyList<GroupParticipant> participants, bool lidAddressed, Jid ownDevice, Jid? ownLid, byte[] account, CancellationToken cancellationToken)
    {
        var (group, id, message) = (sent.Chat, sent.Id, sent.Message);
        var targets = await ResolveGroupTargetsAsync(participants, ownDevice, ownLid, cancellationToken).ConfigureAwait(false);
        var bundles = await FetchMissingBundlesAsync(targets, cancellationToken).ConfigureAwait(false);
        targets = targets.Where(t => !t.NeedsBundle || bundles.ContainsKey(t.Address)).ToList();

        // Our sender key step is stored by the cipher before anything leaves.
        var ownName = OwnSenderKeyName(group, ownDevice, ownLid);
        var distribution = await new GroupSessionBuilder(_senderKeys).CreateAsync(ownName, cancellationToken).ConfigureAwait(false);
        var senderKeyMessage = await new GroupCipher(_senderKeys).EncryptAsync(ownName, MessagePadding.Pad(message.ToByteArray()), cancellationToken).ConfigureAwait(false);
        var distributionMessage = new Message
        {
            SenderKeyDistributionMessage = new Proto.SenderKeyDistributionMessage
            {
                GroupID = group.ToString(),
                AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(distribution.Serialized.Span),
            },
        };
        var forDevices = (ReadOnlyMemory<byte>)MessagePadding.Pad(distributionMessage.ToByteArray());
        var fanOut = await SignalSessions().EncryptForDevicesAsync(targets.ToDictionary(t => t.Address, _ => forDevices), bundles, cancellationToken).ConfigureAwait(false);
        PublishIdentityChanges(fanOut.IdentityChanges);
        _recentSends.Add(sent);

        var mediaType = OutgoingMessageType.MediaType(message);
        var children = new List<Node>
        {
            new("participants", default, targets.Select(t => new Node("to", [new("jid", t.Wire)], Enc(fanOut.Messages[t.Address], null))).ToList()),
            new("enc", NodeAttributes.Create(EncAttributes("skmsg", mediaType)), senderKeyMessage),
        };
        if (fanOut.Messages.Values.Any(m => m.Type == SignalMessageType.PreKey))
        {
            children.Add(new Node("device-identity", default, account));
        }
        var attributes = new List<NodeAttribute>
        {
            new("id", id),
            new("to", group),
            new("type", OutgoingMessageType.StanzaType(message)),
            // whatsmeow participantListHashV2 over every device the message is for, us included
            new("phash", ParticipantListHash.Compute(targets.Select(t => t.Wire).Append(ownDevice))),
        };
        if (lidAddressed)
        {
            attributes.Add(new("addressing_mode", "lid"));
        }
        if (OutgoingMessageType.EditAttribute(message) is { } edit)
        {
            attributes.Add(new("edit", edit));
        }
        var stanza = new Node("message", NodeAttributes.Create(attributes), children);
        var ack = await SendAndAwaitAckAsync(id, stanza, cancellationToken).ConfigureAwait(false);
        Log.GroupMessageSent(_logger, id, targets.Count);
        return new SendResult(id, ack.GetUnixTime("t") ?? _time.GetUtcNow(), targets.Select(t => t.Wire).ToList(), ack);
    }

    /// <summary>
    /// Every device of every participant but ours, in the group's addressing; sessions under the LID when
    /// known. A device is listed once, under the first form it comes in: a status audience may name one
    /// user by phone number and by LID, which are one Signal session.
    /// </summary>
    private async Task<List<FanOutTarget>> ResolveGroupTargetsAsync(IReadOnlyList<GroupParticipant> participants, Jid ownDevice, Jid? ownLid, CancellationToken cancellationToken)
    {
        var devices = await GetDeviceListsAsync(participants.Select(p => p.Jid), cancellationToken).ConfigureAwait(false);
        var targets = new List<FanOutTarget>();
        var addresses = new HashSet<SignalAddress>();
        foreach (var participant in participants)
        {
            if (devices.FirstOrDefault(d => d.User.IsSameUserAs(participant.Jid)) is not { } user)
            {
                continue;
            }
            var own = participant.Jid.IsSameUserAs(ownDevice) || (ownLid is { } lid && participant.Jid.IsSameUserAs(lid));
            var sessionUser = participant.Lid ?? user.Lid ?? participant.Jid;
            foreach (var device in user.DeviceIds)
            {
                if (own && device == ownDevice.Device)
                {
                    continue;
                }
                var address = SignalAddress.FromJid(sessionUser.WithDevice(device));
                if (addresses.Add(address))
                {
                    targets.Add(new FanOutTarget(participant.Jid.WithDevice(device), address, Own: own));
                }
            }
        }
        return targets;
    }

    /// <summary>A member's sender key from the SKDM of a 1:1 part, stored so its skmsg decrypts.</summary>
    private async Task ProcessSenderKeyDistributionAsync(Jid group, SignalAddress sender, Proto.SenderKeyDistributionMessage distribution, CancellationToken cancellationToken)
    {
        if (!distribution.HasAxolotlSenderKeyDistributionMessage)
        {
            return;
        }
        var parsed = SignalSkdm.Parse(distribution.AxolotlSenderKeyDistributionMessage.Span);
        await new GroupSessionBuilder(_senderKeys).ProcessAsync(new SenderKeyName(group, sender), parsed, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<byte[]> DecryptGroupMessageAsync(Jid group, SignalAddress sender, ReadOnlyMemory<byte> ciphertext, CancellationToken cancellationToken) =>
        new GroupCipher(_senderKeys).DecryptAsync(new SenderKeyName(group, sender), ciphertext, cancellationToken);

    /// <summary>
    /// A participant left or was removed (w:gp2 notification): our sender key for the group is
    /// dropped, so the next send makes a new one that only the remaining members receive.
    /// </summary>
    private async Task RotateOwnSenderKeyAsync(Jid group, CancellationToken cancellationToken)
    {
        var credentials = Credentials;
        if (credentials?.GetJid() is not { } ownDevice)
        {
            return;
        }
        await new GroupSessionBuilder(_senderKeys).RotateAsync(OwnSenderKeyName(group, ownDevice, credentials.GetLid()), cancellationToken).ConfigureAwait(false);
        Log.SenderKeyRotated(_logger, group.ToString());
    }

    private static List<NodeAttribute> EncAttributes(string type, string? mediaType)
    {
        var attributes = new List<NodeAttribute> { new("v", "2"), new("type", type) };
        if (mediaType is not null)
        {
            attributes.Add(new("mediatype", mediaType));
        }
        return attributes;
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Debug, "Sent group message {Id} (sender key distributed to {DeviceCount} devices)")]
        public static partial void GroupMessageSent(ILogger logger, string id, int deviceCount);

        [LoggerMessage(41, LogLevel.Information, "A member left {Group}; our sender key there is replaced on the next send")]
        public static partial void SenderKeyRotated(ILogger logger, string group);
    }
}
