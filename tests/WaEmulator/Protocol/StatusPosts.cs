using System.Collections.Concurrent;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Signal;
using CodeChat.WhatsApp.Signal.Groups;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// Status posts (a message to status@broadcast; Baileys 7 relayMessage with statusJidList, whatsmeow
/// sendGroup to StatusBroadcastJID): one sender-key message for everyone and a per-device part (the
/// sender key, as pkmsg/msg) for the devices that need it, all listed in &lt;participants&gt;. The
/// server delivers it only to the listed devices, from status@broadcast with the poster as participant;
/// a post that lists nobody, or has no skmsg, is refused as WhatsApp refuses it. A retry resend names
/// its one device in participant and carries that device's part directly.
/// </summary>
internal sealed class StatusPosts(ChatServer server)
{
    private readonly ConcurrentQueue<StatusPostRecord> _posted = new();

    /// <summary>Every status post routed so far, oldest first.</summary>
    public IReadOnlyList<StatusPostRecord> Posted => [.. _posted];

    /// <summary>Why the server refuses <paramref name="message"/> to status@broadcast, or null when it routes it.</summary>
    public static string? Refusal(Node message)
    {
        if (message.HasAttribute("participant"))
        {
            // A retry resend (whatsmeow/our client, Baileys 7 relayMessage with participant): one device, its <enc> directly.
            return message.GetJid("participant") is not null && message.GetChildren("enc").Any(e => e.GetAttribute("type") is "pkmsg" or "msg")
                ? null
                : "a resend to one device needs its jid in participant and a pkmsg or msg <enc>";
        }

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

    // The server cannot decrypt a post, but its sender key id and iteration are in the clear.
    private static SenderKeyMessage? ReadSenderKey(byte[] serialized)
    {
        try
        {
            return SenderKeyMessage.Parse(serialized);
        }
        catch (InvalidSignalMessageException)
        {
            return null;
        }
    }

    /// <summary>Delivers the skmsg (with the device's own part, if any) to every listed device but the sender's.</summary>
    public void Route(LinkedDevice sender, Node message, string t)
    {
        if (message.GetJid("participant") is { } resendTo)
        {
            Resend(sender, message, resendTo, t);
            return;
        }

        var senderKeyMessage = message.GetChildren("enc").First(e => e.GetAttribute("type") == "skmsg");
        var deviceIdentity = message.GetChild("device-identity");
        var listed = message.GetChild("participants")!.GetChildren("to").ToList();
        var key = ReadSenderKey(Stanzas.Content(senderKeyMessage));
        _posted.Enqueue(new StatusPostRecord(
            message.GetAttribute("id") ?? "",
            sender.PnJid,
            key?.KeyId,
            key?.Iteration,
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

            server.Router.Deliver(device, FromStatus(sender, message, t, children));
        }
    }

    /// <summary>A retry resend: the one device named in participant gets the part addressed to it.</summary>
    private void Resend(LinkedDevice sender, Node message, Jid resendTo, string t)
    {
        if (server.Directory.FindUser(resendTo) is not { } account || account.FindDevice(resendTo.Device) is not { } device)
        {
            server.Journal(StanzaDirection.Dropped, resendTo.ToString(), message);
            return;
        }

        var children = message.GetChildren("enc").Where(e => e.GetAttribute("type") is "pkmsg" or "msg").Take(1).ToList();
        if (message.GetChild("device-identity") is { } deviceIdentity)
        {
            children.Add(deviceIdentity);
        }

        server.Router.Deliver(device, FromStatus(sender, message, t, children));
    }

    private static Node FromStatus(LinkedDevice sender, Node message, string t, List<Node> children) =>
        Stanzas.Children(
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
            children);
}

/// <summary>
/// A status post the server routed (for tests): its id, the poster's device, its sender key's id and
/// iteration (null when the skmsg is not a well-formed sender key message), every device listed in &lt;participants&gt; and those given a per-device part (the SKDM).
/// </summary>
public sealed record StatusPostRecord(
    string Id,
    string Poster,
    uint? SenderKeyId,
    uint? Iteration,
    IReadOnlyList<string> Listed,
    IReadOnlyList<string> WithOwnPart);
