using System.Collections.Concurrent;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// Typing indicators (chatstate) and presence (whatsapp-protocol.md §5.4): chatstates go to every linked
/// device of the chat's other members; presence subscriptions are answered with the account's current
/// state (with the time it last went offline) and kept for later changes. Neither is queued for offline devices, as on the real server.
/// </summary>
internal sealed class PresenceRouter(ChatServer server)
{
    private readonly ConcurrentDictionary<EmulatedAccount, bool> _available = new();
    private readonly ConcurrentDictionary<EmulatedAccount, long> _lastSeen = new();
    private readonly ConcurrentDictionary<EmulatedAccount, ConcurrentDictionary<LinkedDevice, bool>> _subscribers = new();

    public void RouteChatstate(ChatSession session, Node chatstate)
    {
        var sender = session.Device!;
        var to = chatstate.GetRequiredJid("to");
        if (to.IsGroup)
        {
            if (server.Groups.Find(to.User) is not { } group || !group.Members.Contains(sender.Account))
            {
                return;
            }

            foreach (var device in group.Members.Where(m => m != sender.Account).SelectMany(m => m.Devices))
            {
                SendIfOnline(device, new Node("chatstate", Stanzas.Attributes([("from", group.Jid), ("participant", sender.Account.PnJid)]), chatstate.Content));
            }

            return;
        }

        if (server.Directory.FindUser(to) is not { } account)
        {
            return;
        }

        var from = to.IsLid ? sender.Account.LidJid : sender.Account.PnJid;
        foreach (var device in account.Devices)
        {
            SendIfOnline(device, new Node("chatstate", Stanzas.Attributes([("from", from)]), chatstate.Content));
        }
    }

    public void RoutePresence(ChatSession session, Node presence)
    {
        var device = session.Device!;
        switch (presence.GetAttribute("type"))
        {
            case "subscribe" when presence.GetJid("to") is { } to && server.Directory.FindUser(to) is { } target:
                _subscribers.GetOrAdd(target, _ => new())[device] = true;
                session.Send(Describe(target, to.IsLid));
                break;
            case "available" or "unavailable":
                var available = presence.GetAttribute("type") == "available";
                // The server takes the account's push name from the client's presence (Baileys' sendPresenceUpdate
                // and whatsmeow's SendPresence both send it as `name`); later stanzas carry it as `notify`.
                if (presence.GetAttribute("name") is { Length: > 0 } name)
                {
                    device.Account.PushName = name;
                }

                _available[device.Account] = available;
                if (!available)
                {
                    // Last seen is when the account went offline (every emulated account shares it: the privacy
                    // setting that hides it, sent as last="deny", is not emulated).
                    _lastSeen[device.Account] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                }

                foreach (var subscriber in _subscribers.GetValueOrDefault(device.Account)?.Keys ?? Enumerable.Empty<LinkedDevice>())
                {
                    SendIfOnline(subscriber, Describe(device.Account, lid: false));
                }

                break;
        }
    }

    private Node Describe(EmulatedAccount account, bool lid)
    {
        var available = _available.GetValueOrDefault(account);
        return Stanzas.Make(
            "presence",
            ("from", lid ? account.LidJid : account.PnJid),
            ("type", available ? "available" : "unavailable"),
            ("last", available ? null
                : _lastSeen.TryGetValue(account, out var lastSeen) ? lastSeen.ToString(System.Globalization.CultureInfo.InvariantCulture) : "deny"));
    }

    private void SendIfOnline(LinkedDevice device, Node stanza)
    {
        server.FindOnline(device)?.Send(stanza);
    }
}
