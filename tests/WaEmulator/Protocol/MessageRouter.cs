using System.Collections.Concurrent;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;
using Microsoft.Extensions.Logging;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// Device lists, prekey bundles, store-and-forward of messages and receipts (whatsapp-protocol.md §6.9,
/// §6.10, §7.1–7.2; emulator-notes.md §6–8; emulator-notes-baileys7.md rows 9–14). PN and LID JIDs
/// name the same device everywhere; what goes out follows the addressing the sender chose.
/// </summary>
internal sealed class MessageRouter(ChatServer server, ILogger logger)
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Node>> _offline = new(StringComparer.Ordinal);
    // Sent but not yet acknowledged, per device: the real server re-delivers these on the next login
    // (whatsapp-protocol.md §7.2), so a client that forgets to ack sees them again.
    // Keyed by connection, so a replaced connection only hands back what it itself was sent.
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, (long Sequence, Node Stanza)>> _unacked = new();
    private long _sequence;

    /// <summary>Delivered stanzas the device has not acknowledged yet.</summary>
    public int UnackedFor(LinkedDevice device) =>
        server.FindOnline(device) is { } session && _unacked.TryGetValue(session.ConnectionId, out var pending) ? pending.Count : 0;

    /// <summary>Whether the device has not acknowledged the delivered stanza <paramref name="tag"/> <paramref name="id"/> yet.</summary>
    public bool IsUnacked(LinkedDevice device, string tag, string id) =>
        server.FindOnline(device) is { } session && _unacked.TryGetValue(session.ConnectionId, out var pending) && pending.ContainsKey(AckKey(tag, id));

    // Messages held back per device (PN device JID) until a test releases them in a shuffled order.
    private readonly ConcurrentDictionary<string, List<Node>> _held = new(StringComparer.Ordinal);

    /// <summary>From now on, messages for <paramref name="device"/> are held back instead of delivered.</summary>
    public void HoldMessages(LinkedDevice device) => _held.TryAdd(device.PnJid, []);

    /// <summary>How many messages are held back for <paramref name="device"/>.</summary>
    public int HeldFor(LinkedDevice device)
    {
        if (!_held.TryGetValue(device.PnJid, out var held))
        {
            return 0;
        }

        lock (held)
        {
            return held.Count;
        }
    }

    /// <summary>Stops holding and delivers what was held, shuffled by <paramref name="random"/> (out-of-order delivery).</summary>
    public void ReleaseHeld(LinkedDevice device, Random random)
    {
        if (!_held.TryGetValue(device.PnJid, out var held))
        {
            return;
        }

        Node[] stanzas;
        lock (held)
        {
            _held.TryRemove(device.PnJid, out _);
            stanzas = [.. held];
        }

        random.Shuffle(stanzas);
        foreach (var stanza in stanzas)
        {
            Deliver(device, stanza);
        }
    }

    // Devices (PN device JID) whose incoming ciphertexts get their last byte flipped, so they cannot
    // be decrypted — resends answering retry receipts included — until the test stops it.
    private readonly ConcurrentDictionary<string, bool> _corrupted = new(StringComparer.Ordinal);

    /// <summary>From now on, every message ciphertext delivered to <paramref name="device"/> is corrupted (or, with false, no longer).</summary>
    public void CorruptMessages(LinkedDevice device, bool corrupt)
    {
        if (corrupt)
        {
            _corrupted[device.PnJid] = true;
        }
        else
        {
            _corrupted.TryRemove(device.PnJid, out _);
        }
    }

    private Node CorruptedIfAsked(LinkedDevice device, Node stanza)
    {
        if (stanza.Tag != "message" || !_corrupted.ContainsKey(device.PnJid))
        {
            return stanza;
        }

        var children = stanza.Children.Select(child =>
        {
            if (child.Tag != "enc" || child.Bytes is not { Length: > 0 } bytes)
            {
                return child;
            }

            var flipped = bytes.ToArray();
            flipped[^1] ^= 0xFF;
            return new Node(child.Tag, child.Attributes, flipped);
        }).ToArray();
        return new Node(stanza.Tag, stanza.Attributes, children);
    }

    // Server acks held back per sending device (PN device JID) until a test releases them.
    private readonly ConcurrentDictionary<string, List<(ChatSession Session, Node Ack)>> _heldAcks = new(StringComparer.Ordinal);

    /// <summary>From now on, the server's acks of messages <paramref name="device"/> sends are held back (the messages are still routed).</summary>
    public void HoldAcks(LinkedDevice device) => _heldAcks.TryAdd(device.PnJid, []);

    /// <summary>How many acks are held back for <paramref name="device"/>.</summary>
    public int HeldAcksFor(LinkedDevice device)
    {
        if (!_heldAcks.TryGetValue(device.PnJid, out var held))
        {
            return 0;
        }

        lock (held)
        {
            return held.Count;
        }
    }

    /// <summary>Stops holding acks for <paramref name="device"/> and sends the held ones, in order.</summary>
    public void ReleaseAcks(LinkedDevice device)
    {
        if (!_heldAcks.TryRemove(device.PnJid, out var held))
        {
            return;
        }

        lock (held)
        {
            foreach (var (session, ack) in held)
            {
                session.Send(ack);
            }

            held.Clear();
        }
    }

    private void SendOrHoldAck(ChatSession session, LinkedDevice sender, Node ack)
    {
        if (_heldAcks.TryGetValue(sender.PnJid, out var held))
        {
            lock (held)
            {
                if (_heldAcks.ContainsKey(sender.PnJid))
                {
                    held.Add((session, ack));
                    return;
                }
            }
        }

        session.Send(ack);
    }

    /// <summary>Queued stanzas per device (PN device JID), for tests.</summary>
    public int QueuedFor(LinkedDevice device) => _offline.TryGetValue(device.PnJid, out var queue) ? queue.Count : 0;

    // ----- usync -------------------------------------------------------------------------------

    public Node Usync(Node iq, LinkedDevice asker)
    {
        var usync = iq.GetRequiredChild("usync");
        var query = usync.GetChild("query");
        var wantDevices = query?.HasChild("devices") ?? false;
        var wantLid = query?.HasChild("lid") ?? false;
        var wantContact = query?.HasChild("contact") ?? false;

        var users = new List<Node>();
        foreach (var user in usync.GetChild("list")?.GetChildren("user") ?? [])
        {
            var children = new List<Node>();
            Jid? jid = user.GetJid("jid");
            var contactText = user.GetChild("contact") is { } c ? c.Content.Text ?? System.Text.Encoding.UTF8.GetString(Stanzas.Content(c)) : null;
            var account = jid is { } j ? server.Directory.FindUser(j) : contactText is { } phone ? server.Directory.FindByContactPhone(phone.TrimStart('+')) : null;
            // A contact query is answered with the account's JID, or the asked number's JID when it has none.
            var echo = jid?.ToString() ?? account?.PnJid ?? (contactText is { } asked ? asked.TrimStart('+') + "@s.whatsapp.net" : "");
            if (wantDevices)
            {
                account?.AddDeviceListWatcher(asker.Account);
                children.Add(Stanzas.Children("devices", [], [Stanzas.Children("device-list", [], DeviceList(account))]));
            }

            if (wantLid)
            {
                // PN users learn their LID here; Baileys 7 cannot encrypt without it (row 10)
                children.Add(account is not null && jid is not { IsLid: true }
                    ? Stanzas.Make("lid", ("val", account.LidJid))
                    : Stanzas.Make("lid"));
            }

            if (wantContact)
            {
                children.Add(Stanzas.Make("contact", ("type", account is null ? "out" : "in")));
            }

            users.Add(Stanzas.Children("user", [("jid", echo)], children));
        }

        return Stanzas.Result(iq, Stanzas.Children(
            "usync",
            [("sid", usync.GetAttribute("sid")), ("mode", usync.GetAttribute("mode")), ("last", "true"), ("index", "0"), ("context", usync.GetAttribute("context"))],
            [Stanzas.Children("list", [], users)]));
    }

    private static IEnumerable<Node> DeviceList(EmulatedAccount? account)
    {
        if (account is null)
        {
            yield break;
        }

        yield return Stanzas.Make("device", ("id", "0"));
        foreach (var device in account.Devices)
        {
            // Baileys drops non-zero devices without key-index (emulator-notes.md §6)
            yield return Stanzas.Make(
                "device",
                ("id", device.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("key-index", device.KeyIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    // ----- prekey bundles ----------------------------------------------------------------------

    public Node PreKeyBundles(Node iq, Node key)
    {
        var users = new List<Node>();
        foreach (var user in key.GetChildren("user"))
        {
            var jid = user.GetRequiredJid("jid");
            var echo = user.GetRequiredAttribute("jid");
            var account = server.Directory.FindUser(jid);
            DeviceKeys? keys = null;
            OneTimePreKeyRecord? oneTime = null;
            if (account is not null && jid.Device == 0)
            {
                keys = account.PrimaryPhone.Keys;
                oneTime = account.PrimaryPhone.TakeOneTimePreKey();
            }
            else if (account?.FindDevice(jid.Device) is { } device)
            {
                keys = device.Keys;
                oneTime = keys.TakeOneTimePreKey();
                PreKeyCountNotifications.NotifyIfLow(server, device);
            }

            if (keys is null)
            {
                users.Add(Stanzas.Children("user", [("jid", echo)], [Stanzas.Make("error", ("code", "404"), ("text", "item-not-found"))]));
                continue;
            }

            var children = IqHandler.KeyMaterial(keys).ToList();
            if (oneTime is not null)
            {
                children.Add(Stanzas.Children("key", [], [Stanzas.Bytes("id", oneTime.Id), Stanzas.Bytes("value", oneTime.PublicKey)]));
            }

            users.Add(Stanzas.Children("user", [("jid", echo)], children));
        }

        return Stanzas.Result(iq, Stanzas.Children("list", [], users));
    }

    // ----- messages ----------------------------------------------------------------------------

    public void RouteMessage(ChatSession session, Node message)
    {
        var sender = session.Device!;
        var id = message.GetAttribute("id");
        var to = message.GetRequiredJid("to");
        var t = Stanzas.UnixNow();
        if (!to.IsGroup && !to.IsStatusBroadcast && server.Directory.FindUser(to) is { } addressee
            && !server.PrivacyTokens.Admits(sender.Account, addressee, message))
        {
            // WhatsApp's reach-out restriction: refused with error 463, delivered to nobody.
            server.Journal(StanzaDirection.Dropped, sender.PnJid, message);
            SendOrHoldAck(session, sender, Stanzas.Make("ack", ("class", "message"), ("id", id), ("from", to.ToString()), ("t", t), ("error", "463")));
            return;
        }

        if (to.IsStatusBroadcast && StatusPosts.Refusal(message) is { } refusal)
        {
            // WhatsApp's server fans a status out only to the devices the poster lists: nothing to route.
            logger.LogWarning("Status post {Id} from {Sender} refused: {Refusal}", id, sender.PnJid, refusal);
            server.Journal(StanzaDirection.Dropped, sender.PnJid, message);
            SendOrHoldAck(session, sender, Stanzas.Make("ack", ("class", "message"), ("id", id), ("from", to.ToString()), ("t", t), ("error", "400")));
            return;
        }

        SendOrHoldAck(session, sender, Stanzas.Make("ack", ("class", "message"), ("id", id), ("from", to.ToString()), ("t", t)));

        if (to.IsGroup)
        {
            server.Groups.RouteGroupMessage(session, message, to, t);
            return;
        }

        if (to.IsStatusBroadcast)
        {
            server.Statuses.Route(sender, message, t);
            return;
        }

        var lidChat = to.IsLid;
        var deviceIdentity = message.GetChild("device-identity");
        // Usually one <to> per device; a retry resend (device_fanout=false) or a peer message instead
        // carries its <enc> directly and is addressed to a single device (or to the own phone).
        var targets = message.GetChild("participants") is { } participants
            ? participants.GetChildren("to").Select(t => (Jid: t.GetRequiredJid("jid"), Enc: t.GetChild("enc")))
            : [(Jid: to, Enc: message.GetChild("enc"))];
        // Decided once per message, so an unblock racing with the fan-out never splits one message.
        var blocker = server.Directory.FindUser(to) is { } chatAccount && server.Profiles.Blocks(chatAccount, sender.Account) ? chatAccount : null;
        foreach (var (targetJid, enc) in targets)
        {
            if (enc is null)
            {
                continue;
            }

            if (blocker is not null && server.Directory.FindUser(targetJid) == blocker)
            {
                // WhatsApp never delivers a blocked contact's messages; the sender only sees the server's ack.
                server.Journal(StanzaDirection.Dropped, targetJid.ToString(), message);
                continue;
            }

            var ownFanOut = server.Directory.FindUser(targetJid) == sender.Account;
            var attributes = new List<(string, string?)>
            {
                ("from", DeviceJid(sender, lidChat)),
                ("id", id),
                ("type", message.GetAttribute("type") ?? "text"),
                ("t", t),
            };
            if (ownFanOut && !to.IsAd)
            {
                // our own other device: Baileys then requires from == me and reads the chat from recipient
                attributes.Add(("recipient", to.ToString()));
            }
            else if (message.GetAttribute("recipient") is { } recipient)
            {
                // a single-device resend names the original chat itself
                attributes.Add(("recipient", recipient));
            }

            if (lidChat)
            {
                attributes.Add(("sender_pn", sender.Account.PnJid));
                attributes.Add(("addressing_mode", "lid"));
            }
            else
            {
                attributes.Add(("sender_lid", sender.Account.LidJid));
            }

            if (sender.Account.PushName is { } name)
            {
                attributes.Add(("notify", name));
            }

            var children = new List<Node> { enc };
            if (deviceIdentity is not null)
            {
                children.Add(deviceIdentity);
            }

            if (targetJid.Device == 0 && server.Directory.FindUser(targetJid) is { } phoneAccount)
            {
                // what the phone checks before it could decrypt (it never does)
                var copy = phoneAccount.PrimaryPhone.Inspect(sender, id ?? "", ownFanOut, enc, deviceIdentity);
                if (copy.Rejection is not null)
                {
                    logger.LogWarning("Phone {Phone} cannot decrypt {Id} from {Sender}: {Rejection}", phoneAccount.Phone, id, sender.PnJid, copy.Rejection);
                }
                else if (ownFanOut && message.GetAttribute("category") == "peer")
                {
                    // a companion's peer message to its own phone: the one kind the phone reads
                    server.PhoneMessages.ReadPeerMessage(sender, enc);
                }
            }

            Deliver(targetJid, Stanzas.Children("message", [.. attributes], children));
        }
    }

    /// <summary>A device's own JID in the addressing of the chat (device 0 has no device part).</summary>
    public static string DeviceJid(LinkedDevice device, bool lid) => lid ? device.LidJid : device.PnJid;

    /// <summary>Delivers to one device now, or queues it for its next login; the phone (device 0) only drops.</summary>
    public void Deliver(Jid target, Node stanza)
    {
        var account = server.Directory.FindUser(target);
        if (account is null || target.Device == 0)
        {
            // Stanzas for the phone itself are inspected in RouteMessage (only its companions' peer messages are read), never delivered
            server.Journal(StanzaDirection.Dropped, target.ToString(), stanza);
            return;
        }

        if (account.FindDevice(target.Device) is not { } device)
        {
            logger.LogDebug("No device {Target}: dropping <{Tag}>", target, stanza.Tag);
            server.Journal(StanzaDirection.Dropped, target.ToString(), stanza);
            return;
        }

        Deliver(device, stanza);
    }

    public void Deliver(LinkedDevice device, Node stanza)
    {
        stanza = CorruptedIfAsked(device, stanza);
        if (stanza.Tag == "message" && _held.TryGetValue(device.PnJid, out var held))
        {
            lock (held)
            {
                if (_held.ContainsKey(device.PnJid))
                {
                    held.Add(stanza);
                    server.Journal(StanzaDirection.Queued, device.PnJid, stanza);
                    return;
                }
            }
        }

        if (server.FindOnline(device) is { } session && SendTracked(session, stanza))
        {
            return;
        }

        server.Journal(StanzaDirection.Queued, device.PnJid, stanza);
        _offline.GetOrAdd(device.PnJid, _ => new ConcurrentQueue<Node>()).Enqueue(stanza);
    }

    private bool SendTracked(ChatSession session, Node stanza)
    {
        if (stanza.Tag is not ("message" or "notification") || stanza.GetAttribute("id") is not { } id)
        {
            return session.Send(stanza);
        }

        // tracked before the write so that an ack racing the write is never missed
        var pending = _unacked.GetOrAdd(session.ConnectionId, _ => new(StringComparer.Ordinal));
        var key = AckKey(stanza.Tag, id);
        pending[key] = (Interlocked.Increment(ref _sequence), stanza);
        if (session.Send(stanza))
        {
            return true;
        }

        // the connection is already closing: the caller queues it instead, so it must not come back twice
        pending.TryRemove(key, out _);
        return false;
    }

    private static string AckKey(string tag, string id) => tag + ":" + id;

    /// <summary>A client's ack (or, for messages, its receipt) confirms a delivery.</summary>
    public void Acknowledge(ChatSession session, string tag, string? id)
    {
        if (id is not null && _unacked.TryGetValue(session.ConnectionId, out var pending))
        {
            pending.TryRemove(AckKey(tag, id), out _);
        }
    }

    /// <summary>The device's connection ended: whatever it did not acknowledge goes back in front of its queue.</summary>
    public void Requeue(ChatSession ended, LinkedDevice device)
    {
        if (!_unacked.TryRemove(ended.ConnectionId, out var pending) || pending.IsEmpty)
        {
            return;
        }

        var unacked = pending.Values.OrderBy(p => p.Sequence).Select(p => p.Stanza).ToList();
        if (server.FindOnline(device) is { } replacement)
        {
            // a newer connection of the same device took over: it gets them right away
            unacked = [.. unacked.Where(stanza => !SendTracked(replacement, stanza))];
            if (unacked.Count == 0)
            {
                return;
            }
        }

        var queue = _offline.GetOrAdd(device.PnJid, _ => new ConcurrentQueue<Node>());
        var rest = new List<Node>();
        while (queue.TryDequeue(out var queued))
        {
            rest.Add(queued);
        }

        foreach (var stanza in unacked.Concat(rest))
        {
            queue.Enqueue(stanza);
        }
    }

    /// <summary>After success: the backlog marked offline="1", then ib/offline (Baileys buffers events until it sees it).</summary>
    public void FlushOfflineQueue(ChatSession session)
    {
        var count = 0;
        if (_offline.TryGetValue(session.Device!.PnJid, out var queue))
        {
            while (queue.TryDequeue(out var stanza))
            {
                SendTracked(session, stanza.WithAttribute("offline", "1"));
                count++;
            }
        }

        session.Send(Stanzas.Children(
            "ib",
            [("from", Stanzas.ServerJid)],
            [Stanzas.Make("offline", ("count", count.ToString(System.Globalization.CultureInfo.InvariantCulture)))]));
    }

    // ----- receipts ----------------------------------------------------------------------------

    public void RouteReceipt(ChatSession session, Node receipt)
    {
        var reader = session.Device!;
        var id = receipt.GetAttribute("id");
        var to = receipt.GetRequiredJid("to");
        // Baileys 7 sends no separate ack for a message: its receipt is the ack (emulator-notes-baileys7.md row 14)
        Acknowledge(session, "message", id);
        foreach (var item in receipt.GetChild("list")?.GetChildren("item") ?? [])
        {
            Acknowledge(session, "message", item.GetAttribute("id"));
        }

        session.Send(Stanzas.Make("ack", ("class", "receipt"), ("id", id), ("from", to.ToString()), ("type", receipt.GetAttribute("type"))));

        var attributes = new List<(string, string?)>
        {
            ("id", id),
            ("t", Stanzas.UnixNow()),
            ("type", receipt.GetAttribute("type")),
        };
        Jid target;
        if (to.IsGroup || to.IsStatusBroadcast)
        {
            // group and status receipts name the original sender in participant
            if (receipt.GetJid("participant") is not { } participant)
            {
                return;
            }

            target = participant;
            attributes.Add(("from", to.ToString()));
            attributes.Add(("participant", DeviceJid(reader, participant.IsLid)));
        }
        else
        {
            target = to;
            attributes.Add(("from", DeviceJid(reader, to.IsLid)));
            if (receipt.GetAttribute("recipient") is { } recipient)
            {
                attributes.Add(("recipient", recipient));
            }
        }

        var forwarded = new Node("receipt", Stanzas.Attributes(attributes), receipt.Content);
        if (target.IsAd)
        {
            Deliver(target, forwarded);
        }
        else if (server.Directory.FindUser(target) is { } account)
        {
            // a receipt to a bare user goes to every linked device of it
            foreach (var device in account.Devices)
            {
                Deliver(device, forwarded);
            }
        }
    }
}
