using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// The w:g2 namespace (whatsapp-protocol.md §10.1): create / metadata / participating here, the
/// administration IQs in <see cref="GroupAdministration"/>, w:gp2 notifications (§10.2) to every
/// participant device, and sender-key message fan-out (§6.10 step 8). Groups are PN-addressed, or
/// LID-addressed with <see cref="WaEmulatorOptions.LidAddressedGroups"/>; per-device SKDM parts go only
/// where the sender put them.
/// </summary>
internal sealed class GroupRegistry
{
    private const string InviteAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private readonly ConcurrentDictionary<string, EmulatedGroup> _groups = new(StringComparer.Ordinal);
    private readonly ChatServer _server;
    private readonly GroupAdministration _administration;
    private long _nextGroup = 120363000000000001;

    public GroupRegistry(ChatServer server)
    {
        _server = server;
        _administration = new GroupAdministration(server, this);
    }

    public IReadOnlyList<EmulatedGroup> Groups => [.. _groups.Values];

    public EmulatedGroup? Find(string id) => _groups.GetValueOrDefault(id);

    public EmulatedGroup? FindByInviteCode(string code) => _groups.Values.FirstOrDefault(g => g.InviteCode == code);

    /// <summary>A fresh invite link code (22 characters like WhatsApp's).</summary>
    public static string NewInviteCode() => RandomNumberGenerator.GetString(InviteAlphabet, 22);

    public Node Handle(ChatSession session, Node iq)
    {
        var account = session.Device!.Account;
        if (iq.GetChild("create") is { } create)
        {
            var members = new List<EmulatedAccount>();
            foreach (var participant in create.GetChildren("participant"))
            {
                if (participant.GetJid("jid") is { } jid && _server.Directory.FindUser(jid) is { } member)
                {
                    members.Add(member);
                }
            }

            var id = Interlocked.Increment(ref _nextGroup).ToString(CultureInfo.InvariantCulture);
            var group = new EmulatedGroup(id, create.GetAttribute("subject") ?? "", account, members, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), NewInviteCode(), _server.Options.LidAddressedGroups);
            _groups[id] = group;
            NotifyCreated(group, session.Device!);
            return Stanzas.Result(iq, Describe(group));
        }

        if (iq.GetChild("participating") is not null)
        {
            return Stanzas.Result(iq, Stanzas.Children(
                "groups",
                [],
                _groups.Values.Where(g => g.IsMember(account)).Select(Describe)));
        }

        var target = iq.GetJid("to");
        if (target is { IsGroup: false, Server: JidServers.Group })
        {
            // operations on the group server itself: leave, invite link info and join
            return _administration.HandleServerLevel(session, iq) ?? Stanzas.Result(iq);
        }

        if (target is { IsGroup: true } groupJid && _groups.TryGetValue(groupJid.User, out var existing))
        {
            if (!existing.IsMember(account))
            {
                return Stanzas.Error(iq, 403, "forbidden");
            }

            if (iq.HasChild("query"))
            {
                return Stanzas.Result(iq, Describe(existing));
            }

            return _administration.Handle(session, iq, existing) ?? Stanzas.Result(iq);
        }

        return target is { IsGroup: true } ? Stanzas.Error(iq, 404, "item-not-found") : Stanzas.Result(iq);
    }

    public Node Describe(EmulatedGroup group)
    {
        lock (group.SyncRoot)
        {
            var children = new List<Node>();
            foreach (var (member, role) in group.Participants)
            {
                children.Add(Stanzas.Make(
                    "participant",
                    [
                        .. group.ParticipantAttributes(member),
                        ("type", role switch
                        {
                            GroupRole.SuperAdmin => "superadmin",
                            GroupRole.Admin => "admin",
                            _ => null,
                        }),
                    ]));
            }

            if (group.Description is { } description)
            {
                children.Add(Stanzas.Children(
                    "description",
                    [("id", description.Id), ("participant", group.Address(description.Owner)), ("t", Unix(description.Time))],
                    [Stanzas.Bytes("body", System.Text.Encoding.UTF8.GetBytes(description.Body))]));
            }

            if (group.IsAnnouncement)
            {
                children.Add(Stanzas.Make("announcement"));
            }

            if (group.IsLocked)
            {
                children.Add(Stanzas.Make("locked"));
            }

            if (group.EphemeralSeconds > 0)
            {
                children.Add(Stanzas.Make("ephemeral", ("expiration", group.EphemeralSeconds.ToString(CultureInfo.InvariantCulture))));
            }

            return Stanzas.Children(
                "group",
                [
                    ("id", group.Id), ("subject", group.Subject), ("s_t", Unix(group.SubjectTime)), .. group.MemberAttributes("s_o", group.SubjectOwner),
                    ("creation", Unix(group.Creation)), .. group.MemberAttributes("creator", group.Creator), ("addressing_mode", group.AddressingMode),
                    ("size", group.Members.Count.ToString(CultureInfo.InvariantCulture)),
                ],
                children);
        }
    }

    /// <summary>
    /// Sends one w:gp2 notification to every device of the given accounts, the acting device included
    /// (WhatsApp tells the actor's devices too, so its other devices learn about the change).
    /// </summary>
    public void Notify(EmulatedGroup group, EmulatedAccount actor, IEnumerable<EmulatedAccount> recipients, Node change)
    {
        var notification = Stanzas.Children(
            "notification",
            [
                ("from", group.Jid), ("type", "w:gp2"), ("id", _server.NextId()), .. group.MemberAttributes("participant", actor),
                ("t", Stanzas.UnixNow()), ("notify", actor.PushName), ("addressing_mode", group.AddressingMode),
            ],
            [change]);
        foreach (var device in recipients.Distinct().SelectMany(m => m.Devices))
        {
            _server.Router.Deliver(device, notification);
        }
    }

    /// <summary>A <c>picture</c> notification from the group to every member device (the actor's too).</summary>
    public void NotifyPicture(EmulatedGroup group, EmulatedAccount actor, Node change)
    {
        var notification = Stanzas.Children(
            "notification",
            [("from", group.Jid), ("type", "picture"), ("id", _server.NextId()), .. group.MemberAttributes("participant", actor), ("t", Stanzas.UnixNow())],
            [change]);
        foreach (var device in group.Members.SelectMany(m => m.Devices))
        {
            _server.Router.Deliver(device, notification);
        }
    }

    /// <summary>The group picture iq (<c>w:profile:picture</c>, type set, <c>target</c> a group).</summary>
    public Node SetPicture(ChatSession session, Node iq) =>
        iq.GetJid("target") is { IsGroup: true } target && _groups.TryGetValue(target.User, out var group)
            ? _administration.SetPicture(session, iq, group)
            : Stanzas.Error(iq, 404, "item-not-found");

    /// <summary>Tells every member device that the group exists (w:gp2 create notification).</summary>
    private void NotifyCreated(EmulatedGroup group, LinkedDevice creatorDevice)
    {
        var notification = Stanzas.Children(
            "notification",
            [("from", group.Jid), ("type", "w:gp2"), ("id", _server.NextId()), .. group.MemberAttributes("participant", group.Creator), ("t", Stanzas.UnixNow()), ("addressing_mode", group.AddressingMode)],
            [Stanzas.Children("create", [], [Describe(group)])]);
        foreach (var device in group.Members.SelectMany(m => m.Devices))
        {
            if (device != creatorDevice)
            {
                _server.Router.Deliver(device, notification);
            }
        }
    }

    public void RouteGroupMessage(ChatSession session, Node message, Jid groupJid, string t)
    {
        var sender = session.Device!;
        if (!_groups.TryGetValue(groupJid.User, out var group) || !group.IsMember(sender.Account))
        {
            _server.Journal(StanzaDirection.Dropped, sender.PnJid, message);
            return;
        }

        if (group.IsAnnouncement && !group.IsAdmin(sender.Account))
        {
            // announcement groups: only admins speak
            _server.Journal(StanzaDirection.Dropped, sender.PnJid, message);
            return;
        }

        if (message.GetJid("participant") is { } resendTo)
        {
            RouteResendToOneMember(message, group, sender, resendTo, t);
            return;
        }

        // per-device parts (SKDM) keyed by the device they were encrypted for, PN or LID
        var perDevice = new Dictionary<(EmulatedAccount, int), Node>();
        foreach (var to in message.GetChild("participants")?.GetChildren("to") ?? [])
        {
            if (to.GetJid("jid") is { } jid && _server.Directory.FindUser(jid) is { } account && to.GetChild("enc") is { } enc)
            {
                perDevice[(account, jid.Device)] = enc;
            }
        }

        var senderKeyMessage = message.GetChildren("enc").FirstOrDefault(e => e.GetAttribute("type") == "skmsg");
        var deviceIdentity = message.GetChild("device-identity");
        var members = group.Members;
        var outsiders = group.Eavesdroppers.Where(a => !members.Contains(a));
        foreach (var device in members.Concat(outsiders).SelectMany(m => m.Devices))
        {
            if (device == sender)
            {
                continue;
            }

            var children = new List<Node>();
            if (perDevice.TryGetValue((device.Account, device.DeviceId), out var own))
            {
                children.Add(own);
            }

            if (senderKeyMessage is not null)
            {
                children.Add(senderKeyMessage);
            }

            if (children.Count == 0)
            {
                continue;
            }

            if (deviceIdentity is not null && children[0].GetAttribute("type") == "pkmsg")
            {
                children.Add(deviceIdentity);
            }

            _server.Router.Deliver(device, Stanzas.Children(
                "message",
                DeliveredAttributes(group, sender, message, t),
                children));
        }
    }

    /// <summary>
    /// A sender's answer to one member device's retry receipt (whatsmeow retry.go: to the group, the
    /// asking device in <c>participant</c>, one pkmsg/msg <c>enc</c>): delivered to that device only, and
    /// only while its account is still a member, as the group's other messages are.
    /// </summary>
    private void RouteResendToOneMember(Node message, EmulatedGroup group, LinkedDevice sender, Jid resendTo, string t)
    {
        var enc = message.GetChild("enc");
        var target = _server.Directory.FindUser(resendTo) is { } account && group.IsMember(account)
            ? account.Devices.FirstOrDefault(d => d.DeviceId == resendTo.Device)
            : null;
        if (enc is null || enc.GetAttribute("type") == "skmsg" || target is null)
        {
            _server.Journal(StanzaDirection.Dropped, sender.PnJid, message);
            return;
        }

        var children = new List<Node> { enc };
        if (message.GetChild("device-identity") is { } deviceIdentity && enc.GetAttribute("type") == "pkmsg")
        {
            children.Add(deviceIdentity);
        }

        _server.Router.Deliver(target, Stanzas.Children(
            "message",
            DeliveredAttributes(group, sender, message, t),
            children));
    }

    /// <summary>A group message as members get it: from the group, the sender's device in the group's addressing.</summary>
    private static (string, string?)[] DeliveredAttributes(EmulatedGroup group, LinkedDevice sender, Node message, string t) =>
    [
        ("from", group.Jid),
        .. group.MemberAttributes("participant", sender),
        ("id", message.GetAttribute("id")),
        ("type", message.GetAttribute("type") ?? "text"),
        ("t", t),
        ("addressing_mode", group.AddressingMode),
        ("notify", sender.Account.PushName),
    ];

    private static string Unix(long seconds) => seconds.ToString(CultureInfo.InvariantCulture);
}
