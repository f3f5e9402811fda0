using System.Globalization;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// Read receipts we send for messages others sent us (whatsapp-protocol.md §7.2). The shape is the one
/// Baileys 7 builds in messages-send.js <c>sendReceipt</c>/<c>readMessages</c> and whatsmeow in
/// receipt.go <c>MarkRead</c>: one <c>&lt;receipt&gt;</c> per chat and sender, <c>id</c> = the first
/// message id, <c>to</c> = the chat, <c>participant</c> = the sender in a group, <c>type</c> =
/// <c>read</c> (or <c>read-self</c> when our privacy settings hide read receipts), <c>t</c> = now in
/// Unix seconds, and the other ids as <c>&lt;list&gt;&lt;item id/&gt;…&lt;/list&gt;</c>.
/// </summary>
public static class ReadReceiptNodes
{
    public static Node Read(Jid chat, Jid? participant, IReadOnlyList<string> messageIds, DateTimeOffset now, bool readSelf = false)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
            throw new ArgumentException("A read receipt names at least one message.", nameof(messageIds));
        var attributes = new List<NodeAttribute>
        {
            new("id", messageIds[0]),
            new("to", chat),
            new("type", readSelf ? "read-self" : "read"),
            new("t", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        if (participant is { } sender)
            attributes.Add(new("participant", sender));
        if (messageIds.Count == 1)
            return new Node("receipt", NodeAttributes.Create(attributes));
        var items = messageIds.Skip(1).Select(id => new Node("item", NodeAttributes.Create([new NodeAttribute("id", id)]))).ToArray();
        return new Node("receipt", NodeAttributes.Create(attributes), new Node("list", default, items));
    }
}
