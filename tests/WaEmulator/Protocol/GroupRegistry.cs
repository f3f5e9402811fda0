using System.Collections.Concurrent;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>A group: id (user part of …@g.us), subject, creator and member accounts.</summary>
public sealed class EmulatedGroup(string id, string subject, EmulatedAccount creator, IReadOnlyList<EmulatedAccount> members, long creation)
{
    public string Id { get; } = id;

    public string Jid => $"{Id}@g.us";

    public string Subject { get; } = subject;

    public EmulatedAccount Creator { get; } = creator;

    /// <summary>All members including the creator.</summary>
    public IReadOnlyList<EmulatedAccount> Members { get; } = members;

    public long Creation { get; } = creation;
}

/// <summary>
/// w:g2 create / metadata / participating, and sender-key message fan-out (whatsapp-protocol.md §10.1,
/// §6.10 step 8). Groups are PN-addressed; per-device SKDM parts go only where the sender put them.
/// </summary>
internal sealed class GroupRegistry(ChatServer server)
{
    private readonly ConcurrentDictionary<string, EmulatedGroup> _groups = new(StringComparer.Ordinal);
    private long _nextGroup = 120363000000000001;

    public IReadOnlyList<EmulatedGroup> Groups => [.. _groups.Values];

    public EmulatedGroup? Find(string id) => _groups.GetValueOrDefault(id);

    public Node Handle(ChatSession session, Node iq)
    {
        var account = session.Device!.Account;
        if (iq.GetChild("create") is { } create)
        {
            var members = new List<EmulatedAccount> { account };
            foreach (var participant in create.GetChildren("participant"))
            {
                if (participant.GetJid("jid") is { } jid && server.Directory.FindUser(jid) is { } member && !members.Contains(member))
                {
                    members.Add(member);
                }
            }

            var id = Interlocked.Increment(ref _nextGroup).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var group = new EmulatedGroup(id, create.GetAttribute("subject") ?? "", account, members, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            _groups[id] = group;
            NotifyCreated(group, session.Device!);
            return Stanzas.Result(iq, Describe(group));
        }

        if (iq.GetChild("participating") is not null)
        {
            return Stanzas.Result(iq, Stanzas.Children(
                "groups",
                [],
                _groups.Values.Where(g => g.Members.Contains(account)).Select(Describe)));
        }

        var target = iq.GetJid("to");
        if (target is { IsGroup: true } groupJid && _groups.TryGetValue(groupJid.User, out var existing))
        {
            if (!existing.Members.Contains(account))
            {
                return Stanzas.Error(iq, 403, "forbidden");
            }

            return iq.HasChild("query") ? Stanzas.Result(iq, Describe(existing)) : Stanzas.Result(iq);
        }

        return target is { IsGroup: true } ? Stanzas.Error(iq, 404, "item-not-found") : Stanzas.Result(iq);
    }

    public Node Describe(EmulatedGroup group)
    {
        var creation = group.Creation.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Stanzas.Children(
            "group",
            [
                ("id", group.Id), ("subject", group.Subject), ("s_t", creation), ("s_o", group.Creator.PnJid),
                ("creation", creation), ("creator", group.Creator.PnJid), ("addressing_mode", "pn"),
                ("size", group.Members.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ],
            group.Members.Select(m => Stanzas.Make(
                "participant",
                ("jid", m.PnJid),
                ("lid", m.LidJid),
                ("type", m == group.Creator ? "superadmin" : null))));
    }

    /// <summary>Tells every member device that the group exists (w:gp2 create notification).</summary>
    private void NotifyCreated(EmulatedGroup group, LinkedDevice creatorDevice)
    {
        foreach (var device in group.Members.SelectMany(m => m.Devices))
        {
            if (device == creatorDevice)
            {
                continue;
            }

            server.Router.Deliver(device, Stanzas.Children(
                "notification",
                [("from", group.Jid), ("type", "w:gp2"), ("id", server.NextId()), ("participant", group.Creator.PnJid), ("t", Stanzas.UnixNow())],
                [Stanzas.Children("create", [], [Describe(group)])]));
        }
    }

    public void RouteGroupMessage(ChatSession session, Node message, Jid groupJid, string t)
    {
        var sender = session.Device!;
        if (!_groups.TryGetValue(groupJid.User, out var group) || !group.Members.Contains(sender.Account))
        {
            return;
        }

        // per-device parts (SKDM) keyed by the device they were encrypted for, PN or LID
        var perDevice = new Dictionary<(EmulatedAccount, int), Node>();
        foreach (var to in message.GetChild("participants")?.GetChildren("to") ?? [])
        {
            if (to.GetJid("jid") is { } jid && server.Directory.FindUser(jid) is { } account && to.GetChild("enc") is { } enc)
            {
                perDevice[(account, jid.Device)] = enc;
            }
        }

        var senderKeyMessage = message.GetChildren("enc").FirstOrDefault(e => e.GetAttribute("type") == "skmsg");
        var deviceIdentity = message.GetChild("device-identity");
        foreach (var device in group.Members.SelectMany(m => m.Devices))
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

            server.Router.Deliver(device, Stanzas.Children(
                "message",
                [
                    ("from", group.Jid),
                    ("participant", sender.PnJid),
                    ("participant_lid", sender.Account.LidJid),
                    ("id", message.GetAttribute("id")),
                    ("type", message.GetAttribute("type") ?? "text"),
                    ("t", t),
                    ("addressing_mode", "pn"),
                    ("notify", sender.Account.PushName),
                ],
                children));
        }
    }
}
