using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Signal;
using CodeChat.WhatsApp.Store;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: sending a 1:1 message (whatsapp-protocol.md §6.9–6.10; whatsmeow send.go SendMessage/
// sendDM/encryptMessageForDevices, Baileys 7 messages-send.ts relayMessage): the recipient's and our
// own device lists (cached; one usync with <lid/> for those not cached), one encrypt iq for the bundles of devices without
// a session, the fan-out encrypted and stored in one batch, then the stanza and the server's ack.
public sealed partial class WaClient
{
    // One send at a time (whatsmeow messageSendLock; pitfall P17): two sends to one user in
    // parallel would race for the same sessions and device lists.
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly RecentSentMessages _recentSends = new();

    /// <summary>
    /// Encrypts <paramref name="message"/> for every device of <paramref name="to"/> (a phone-number
    /// or LID user; for a group see <c>WaClient.Groups.cs</c>: one skmsg, our sender key to every
    /// participant device) and for our own other devices (as a <c>deviceSentMessage</c>, so the phone shows
    /// what we sent), sends it and waits for the server's ack. The chat keeps the addressing of
    /// <paramref name="to"/>; Signal sessions live under the LID whenever it is known. Every session
    /// the send changed is stored before the stanza leaves.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="to"/> is not a PN or LID user or a group.</exception>
    /// <exception cref="WaMessageRejectedException">The server answered with an error ack.</exception>
    /// <exception cref="WaClientException">Not logged in, no device to send to, or the connection dropped.</exception>
    /// <exception cref="TimeoutException">No ack within <see cref="WaClientOptions.MessageAckTimeout"/>.</exception>
    public Task<SendResult> SendMessageAsync(Jid to, Message message, CancellationToken cancellationToken = default) =>
        SendMessageAsync(to, message, messageId: null, cancellationToken);

    /// <summary>
    /// As <see cref="SendMessageAsync(Jid, Message, CancellationToken)"/>, with the message id chosen by
    /// the caller (null: a new one). A message sent again after a restart keeps its id, so the
    /// recipient's app shows it once.
    /// </summary>
    public async Task<SendResult> SendMessageAsync(Jid to, Message message, string? messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (messageId is { Length: 0 })
        {
            throw new ArgumentException("A message id cannot be empty.", nameof(messageId));
        }
        if (!(to.IsUserPn || to.IsLid || to.IsGroup))
        {
            throw new ArgumentException($"'{to}' is not a phone-number or LID user or a group.", nameof(to));
        }
        var (credentials, ownDevice, account) = SenderCredentials();
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (to.IsGroup)
            {
                return await SendGroupMessageAsync(to.ToNonAd(), message, messageId ?? MessageIds.Generate(ownDevice, _time.GetUtcNow()), ownDevice, credentials.GetLid(), account, cancellationToken).ConfigureAwait(false);
            }
            var chat = to.ToNonAd();
            var id = messageId ?? MessageIds.Generate(ownDevice, _time.GetUtcNow());
            var targets = await ResolveTargetsAsync(chat, ownDevice, credentials.GetLid(), cancellationToken).ConfigureAwait(false);
            var bundles = await FetchMissingBundlesAsync(targets, cancellationToken).ConfigureAwait(false);
            targets = targets.Where(t => !t.NeedsBundle || bundles.ContainsKey(t.Address)).ToList();
            if (!targets.Exists(t => !t.Own))
            {
                throw new WaClientException($"{chat} has no device we can encrypt for.");
            }

            // Read before the ratchets move, so nothing the token lookup does can leave them advanced for nothing.
            var privacyToken = await PrivacyTokenNodeAsync(chat, cancellationToken).ConfigureAwait(false);
            var forPeer = MessagePadding.Pad(message.ToByteArray());
            var forOwn = MessagePadding.Pad(DeviceSent(chat, message).ToByteArray());
            var fanOut = await SignalSessions().EncryptForDevicesAsync(
                targets.ToDictionary(t => t.Address, t => (ReadOnlyMemory<byte>)(t.Own ? forOwn : forPeer)),
                bundles,
                cancellationToken).ConfigureAwait(false);
            PublishIdentityChanges(fanOut.IdentityChanges);
            // Durable from here: the ratchets moved. Keep the message for retry receipts.
            _recentSends.Add(new SentMessage(chat, id, message));

            var mediaType = OutgoingMessageType.MediaType(message);
            var participants = targets.Select(t => new Node("to", [new("jid", t.Wire)], Enc(fanOut.Messages[t.Address], mediaType))).ToList();
            var children = new List<Node> { new("participants", default, participants) };
            if (fanOut.Messages.Values.Any(m => m.Type == SignalMessageType.PreKey))
            {
                // The recipient checks our device against the account's signature (pitfall P22).
                children.Add(new Node("device-identity", default, account));
            }
            var attributes = new List<NodeAttribute> { new("id", id), new("to", chat), new("type", OutgoingMessageType.StanzaType(message)) };
            if (OutgoingMessageType.EditAttribute(message) is { } edit)
            {
                attributes.Add(new("edit", edit));
            }
            if (privacyToken is not null)
            {
                children.Add(privacyToken);
            }
            var stanza = new Node("message", NodeAttributes.Create(attributes), children);
            var ack = await SendAndAwaitAckAsync(id, stanza, cancellationToken).ConfigureAwait(false);
            Log.MessageSent(_logger, id, targets.Count);
            if (Volatile.Read(ref _session) is { } session && message.ProtocolMessage is null)
            {
                IssuePrivacyTokenIfDue(session, chat);
            }
            return new SendResult(id, ack.GetUnixTime("t") ?? _time.GetUtcNow(), targets.Select(t => t.Wire).ToList(), ack);
        }
        catch (WaMessageRejectedException)
        {
            // An error ack (e.g. 463, or a stale device list) is worth a fresh usync next time.
            _deviceLists.Forget(to);
            throw;
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>Our credentials and device JID for a send, or <see cref="WaClientException"/> when we are not logged in.</summary>
    private (DeviceCredentials Credentials, Jid OwnDevice, byte[] Account) SenderCredentials()
    {
        var credentials = Credentials;
        if (credentials?.GetJid() is not { } ownDevice || credentials.Account is not { } account || !IsLoggedIn)
        {
            throw new WaClientException("Not logged in.");
        }
        return (credentials, ownDevice, account);
    }

    /// <summary>
    /// Makes sure we hold a Signal session with every device of <paramref name="users"/> (phone-number or
    /// LID users) and our own other devices, as a send to them would: their device lists (cached, else
    /// usync) and, for the devices without a session, prekey bundles in one encrypt iq (Baileys 7
    /// assertSessions). Returns how many sessions were new.
    /// </summary>
    /// <exception cref="WaClientException">Not logged in or not connected.</exception>
    public async Task<int> AssertSessionsAsync(IReadOnlyCollection<Jid> users, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(users);
        var credentials = Credentials;
        if (credentials?.GetJid() is not { } ownDevice || !IsLoggedIn)
        {
            throw new WaClientException("Not logged in.");
        }
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var targets = new Dictionary<SignalAddress, FanOutTarget>();
            foreach (var user in users.Select(u => u.ToNonAd()).Distinct())
            {
                foreach (var target in await ResolveTargetsAsync(user, ownDevice, credentials.GetLid(), cancellationToken).ConfigureAwait(false))
                {
                    targets.TryAdd(target.Address, target);
                }
            }
            var bundles = await FetchMissingBundlesAsync([.. targets.Values], cancellationToken).ConfigureAwait(false);
            var identityChanges = new List<SignalAddress>();
            foreach (var (address, bundle) in bundles)
            {
                if (await SignalSessions().ProcessBundleAsync(address, bundle, cancellationToken).ConfigureAwait(false))
                {
                    identityChanges.Add(address);
                }
            }
            PublishIdentityChanges(identityChanges);
            return bundles.Count;
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>One device of a fan-out: as addressed in <c>&lt;to&gt;</c>, its session address, whether it is ours.</summary>
    private sealed record FanOutTarget(Jid Wire, SignalAddress Address, bool Own)
    {
        public bool NeedsBundle { get; set; }
    }

    /// <summary>
    /// The recipient's devices and our own other devices (cached, else from one usync, §6.9), learning the
    /// recipient's LID on the way. Wire JIDs follow the chat's addressing (Baileys 7 relayMessage:
    /// PN chat → PN devices, LID chat → LID devices); sessions use the LID address when known.
    /// </summary>
    private async Task<List<FanOutTarget>> ResolveTargetsAsync(Jid chat, Jid ownDevice, Jid? ownLid, CancellationToken cancellationToken)
    {
        var ownUser = ownDevice.ToNonAd();
        var users = await GetDeviceListsAsync([chat, ownUser], cancellationToken).ConfigureAwait(false);
        var recipient = users.FirstOrDefault(u => u.User.IsSameUserAs(chat))
            ?? throw new WaClientException($"The device list of {chat} did not come back.");
        Jid? recipientLid = chat.IsLid ? chat : recipient.Lid;
        if (chat.IsUserPn)
        {
            if (recipientLid is { } learned)
            {
                await LearnLidMappingAsync(learned, chat, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                recipientLid = await _store.GetLidForPhoneNumberAsync(chat, cancellationToken).ConfigureAwait(false);
            }
        }

        var targets = new List<FanOutTarget>();
        var toSelf = chat.IsSameUserAs(ownUser) || (ownLid is { } ownLidUser && chat.IsSameUserAs(ownLidUser));
        foreach (var device in recipient.DeviceIds)
        {
            if (toSelf && device == ownDevice.Device)
            {
                continue;
            }
            var sessionJid = (recipientLid ?? chat).WithDevice(device);
            targets.Add(new FanOutTarget(chat.WithDevice(device), SignalAddress.FromJid(sessionJid), Own: false));
        }
        // A note to ourselves already reaches our other devices as the recipient's.
        var own = toSelf ? null : users.FirstOrDefault(u => u.User.IsSameUserAs(ownUser) || (ownLid is { } l && u.User.IsSameUserAs(l)));
        foreach (var device in own?.DeviceIds ?? [])
        {
            if (device == ownDevice.Device)
            {
                continue;
            }
            var wireUser = chat.IsLid && ownLid is { } lidUser ? lidUser.ToNonAd() : ownUser;
            var sessionUser = ownLid?.ToNonAd() ?? ownUser;
            targets.Add(new FanOutTarget(wireUser.WithDevice(device), SignalAddress.FromJid(sessionUser.WithDevice(device)), Own: true));
        }
        return targets;
    }

    /// <summary>Bundles for the targets without a session, all in one encrypt iq; bundles whose signature fails are dropped.</summary>
    private async Task<Dictionary<SignalAddress, PreKeyBundle>> FetchMissingBundlesAsync(List<FanOutTarget> targets, CancellationToken cancellationToken)
    {
        var missing = await SignalSessions().FindMissingSessionsAsync(targets.Select(t => t.Address).ToList(), cancellationToken).ConfigureAwait(false);
        var bundles = new Dictionary<SignalAddress, PreKeyBundle>();
        if (missing.Count == 0)
        {
            return bundles;
        }
        var missingSet = missing.ToHashSet();
        foreach (var target in targets)
        {
            target.NeedsBundle = missingSet.Contains(target.Address);
        }
        var response = await SendIqAsync(PreKeyBundleNodes.Request(missing.Select(a => a.ToJid())), cancellationToken).ConfigureAwait(false);
        foreach (var (jid, bundle) in PreKeyBundleNodes.Parse(response))
        {
            var address = SignalAddress.FromJid(jid);
            if (!missingSet.Contains(address))
            {
                continue;
            }
            if (!bundle.HasValidSignature())
            {
                Log.InvalidBundle(_logger, address.ToString());
                continue;
            }
            bundles[address] = bundle;
        }
        return bundles;
    }

    private async Task<Node> SendAndAwaitAckAsync(string id, Node stanza, CancellationToken cancellationToken)
    {
        var session = Volatile.Read(ref _session) ?? throw new WaClientException("Not connected.");
        var answer = _iq.Register(id);
        try
        {
            await session.Connection.SendAsync(stanza, cancellationToken).ConfigureAwait(false);
            var ack = await answer.WaitAsync(_options.MessageAckTimeout, _time, cancellationToken).ConfigureAwait(false);
            if (ack.GetInt32("error") is { } code)
            {
                throw new WaMessageRejectedException(id, code);
            }
            return ack;
        }
        catch (Exception exception) when (exception is not WaMessageRejectedException)
        {
            _iq.Forget(id);
            throw;
        }
    }

    /// <summary>What our own other devices get: the message wrapped with its chat (§6.10 step 3).</summary>
    private static Message DeviceSent(Jid chat, Message message)
    {
        var wrapped = new Message
        {
            DeviceSentMessage = new DeviceSentMessage { DestinationJID = chat.ToString(), Message = message },
        };
        if (message.MessageContextInfo is { } context)
        {
            wrapped.MessageContextInfo = context;
        }
        return wrapped;
    }

    private static Node Enc(EncryptedSignalMessage encrypted, string? mediaType, int? retryCount = null)
    {
        var attributes = EncAttributes(encrypted.EncType, mediaType);
        if (retryCount is { } count)
        {
            attributes.Add(new("count", ClientNodes.Text((uint)count)));
        }
        return new Node("enc", NodeAttributes.Create(attributes), encrypted.Serialized);
    }

    private static partial class Log
    {
        [LoggerMessage(36, LogLevel.Debug, "Sent message {Id} to {DeviceCount} devices")]
        public static partial void MessageSent(ILogger logger, string id, int deviceCount);

        [LoggerMessage(37, LogLevel.Warning, "Prekey bundle of {Address} has a bad signature; that device is left out")]
        public static partial void InvalidBundle(ILogger logger, string address);
    }
}
