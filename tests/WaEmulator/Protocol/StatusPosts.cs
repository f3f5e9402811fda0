using System.Collections.Concurrent;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Signal.Groups;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// Status posts (a message to status@broadcast; Baileys 7 relayMessage with statusJidList, whatsmeow
/// sendGroup to StatusBroadcastJID): one sender-key message for everyone and a per-device part (the
/// sender key, as pkmsg/msg) for the devices that need it, all listed in &lt;participants&gt;. The
/// server delivers it only to the listed devices, from status@broadcast with the poster as participant;
/// a post that lists nobody, or has no skmsg, is refused as WhatsApp refuses it.
/// </summary>
internal sealed class StatusPosts(ChatServer server)
{
    private readonly ConcurrentQueue<StatusPostRecord> _posted = new();

    /// <summary>Every status post routed so far, oldest first.</summary>
    public IReadOnlyList<StatusPostRecord> Posted => [.. _posted];

    /// <summary>Why the server refuses <paramref name="message"/> to status@broadcast, or null when it routes it.</summary>
    public static string? Refusal(Node message)
    {
        if (message.GetChild("participants") is not { } participants || !participants.GetChildren("to").Any())
        {
            return "no <participants>: a status post must list the devices it is for";
        }

        if (!message.GetChildren("enc").Any(e => e.GetAttribute("type") == "skmsg"))
        {
            return "no skmsg: a status post is encrypted with the poster's sender key";
        }

        return participants.GetChildren("to").Any(to => to.GetJid("jid") is null)
            ? "a <to> without its device's jid"
            : null;
    }

    /// <summary>Delivers the skmsg (with the device's own part, if any) to every listed device but the sender's.</summary>
    public void Route(LinkedDevice sender, Node message, string t)
    {
        var senderKeyMessage = message.GetChildren("enc").First(e => e.GetAttribute("type") == "skmsg");
        var deviceIdentity = message.GetChild("device-identity");
        var listed = message.GetChild("participants")!.GetChildren("to").ToList();
        var key = SenderKeyMessage.Parse(Stanzas.Content(senderKeyMessage));
        _posted.Enqueue(new StatusPostRecord(
            message.GetAttribute("id") ?? "",
            sender.PnJid,
            key.KeyId,
            key.Iteration,
            [.. listed.Select(to => to.GetAttribute("jid") ?? "")],
            [.. listed.Where(to => to.GetChild("enc") is not null).Select(to => to.GetAttribute("jid") ?? "")]));
        foreach (var to in listed)
        {
            if (to.GetJid("jid") is not { } jid || server.Directory.FindUser(jid) is not { } account
                || account.FindDevice(jid.Device) is not { } device || device == sender)
            {
                continue;
            }

            var children = new List<Node>();
            if (to.GetChild("enc") is { } own)
            {
                children.Add(own);
            }

            children.Add(senderKeyMessage);
            if (deviceIdentity is not null && children[0].GetAttribute("type") == "pkmsg")
            {
                children.Add(deviceIdentity);
            }

            server.Router.Deliver(device, Stanzas.Children(
                "message",
                [
                    ("from", "status@broadcast"),
                    ("participant", sender.PnJid),
                    ("participant_lid", sender.Account.LidJid),
                    ("id", message.GetAttribute("id")),
                    ("type", message.GetAttribute("type") ?? "text"),
                    ("t", t),
                    ("notify", sender.Account.PushName),
                ],
                children));
        }
    }
}

/// <summary>
/// A status post the server routed (for tests): its id, the poster's device, its sender key's id and
/// iteration, every device listed in &lt;participants&gt; and those given a per-device part (the SKDM).
/// </summary>
public sealed record StatusPostRecord(
    string Id,
    string Poster,
    uint SenderKeyId,
    uint Iteration,
    IReadOnlyList<string> Listed,
    IReadOnlyList<string> WithOwnPart);
