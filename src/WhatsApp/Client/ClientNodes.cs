using System.Buffers.Binary;
using System.Globalization;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Store;

namespace CodeChat.WhatsApp.Client;

/// <summary>Stanzas of the connection layer (whatsapp-protocol.md §5).</summary>
public static class ClientNodes
{
    /// <summary>An iq to the server; the id is filled in when sent.</summary>
    public static Node Iq(string xmlns, string type, NodeContent content = default) =>
        new("iq", [new("xmlns", xmlns), new("type", type), new("to", Jid.ServerJid)], content);

    /// <summary>Keepalive ping as whatsmeow sends it: no child (§5.6).</summary>
    public static Node KeepalivePing() => Iq("w:p", "get");

    /// <summary>Answer to a server ping (§5.6).</summary>
    public static Node Pong(Node ping)
    {
        ArgumentNullException.ThrowIfNull(ping);
        var to = ping.GetJid("from") ?? Jid.ServerJid;
        var id = ping.GetAttribute("id");
        return id is null
            ? new Node("iq", [new("to", to), new("type", "result")])
            : new Node("iq", [new("to", to), new("id", id), new("type", "result")]);
    }

    /// <summary>Asks for the media hosts and upload token (whatsapp-protocol.md §8.2 step 1).</summary>
    public static Node MediaConnectionRequest() => Iq("w:m", "set", new Node("media_conn"));

    /// <summary>Marks the session active so the server pushes everything (§5.3).</summary>
    public static Node SetActive() => Iq("passive", "set", new Node("active"));

    /// <summary>Asks how many one-time prekeys the server holds (§5.2).</summary>
    public static Node PreKeyCount() => Iq("encrypt", "get", new Node("count"));

    /// <summary>Uploads one-time prekeys with our registration id, identity and signed prekey (§5.2).</summary>
    public static Node PreKeyUpload(DeviceCredentials credentials, IReadOnlyList<PreKeyRecord> preKeys)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(preKeys);
        var registrationId = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registrationId, credentials.RegistrationId);
        var keys = preKeys.Select(key => new Node("key", default, new Node[]
        {
            new("id", default, ThreeByteId(key.Id)),
            new("value", default, key.KeyPair.PublicKey),
        }));
        return Iq("encrypt", "set", new Node[]
        {
            new("registration", default, registrationId),
            new("type", default, new byte[] { 0x05 }),
            new("identity", default, credentials.IdentityKey.PublicKey),
            new("list", default, NodeContent.FromChildren(keys)),
            new("skey", default, new Node[]
            {
                new("id", default, ThreeByteId(credentials.SignedPreKey.Id)),
                new("value", default, credentials.SignedPreKey.KeyPair.PublicKey),
                new("signature", default, credentials.SignedPreKey.Signature),
            }),
        });
    }

    /// <summary>Unlinks this device (§5.9).</summary>
    public static Node RemoveCompanionDevice(Jid ownDevice, string reason = "user_initiated") =>
        Iq("md", "set", new Node("remove-companion-device", [new("jid", ownDevice), new("reason", reason)]));

    /// <summary>Acknowledges a notification (or other stanza) so the server stops redelivering it (§7.2).</summary>
    public static Node Ack(Node stanza)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        var attributes = new List<NodeAttribute>
        {
            new("class", stanza.Tag),
            new("id", stanza.GetRequiredAttribute("id")),
        };
        if (stanza.Attributes.TryGetValue("from", out var from))
        {
            attributes.Add(new("to", from));
        }
        if (stanza.Attributes.TryGetValue("participant", out var participant))
        {
            attributes.Add(new("participant", participant));
        }
        if (stanza.Tag != "message" && stanza.GetAttribute("type") is { } type)
        {
            attributes.Add(new("type", type));
        }
        return new Node("ack", NodeAttributes.Create(attributes));
    }

    internal static byte[] ThreeByteId(uint id)
    {
        if (id > 0xFF_FFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, "Prekey ids travel as 3 bytes.");
        }
        return [(byte)(id >> 16), (byte)(id >> 8), (byte)id];
    }

    internal static string Text(uint value) => value.ToString(CultureInfo.InvariantCulture);
}
