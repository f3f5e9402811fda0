using System.Buffers.Binary;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// Fetching prekey bundles for several devices in one <c>encrypt</c> iq (whatsapp-protocol.md §6.10
/// step 5; whatsmeow <c>fetchPreKeys</c>/<c>nodeToPreKeyBundle</c>, Baileys <c>assertSessions</c>/
/// <c>parseAndInjectE2ESessions</c>), and reading a bundle from the <c>&lt;keys&gt;</c> of a retry receipt.
/// </summary>
public static class PreKeyBundleNodes
{
    public static Node Request(IEnumerable<Jid> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var users = devices.Select(d => new Node("user", [new("jid", d)]));
        return ClientNodes.Iq("encrypt", "get", new Node("key", default, NodeContent.FromChildren(users)));
    }

    /// <summary>The bundles of the answer by device JID; users answered with an error are left out.</summary>
    /// <exception cref="WaBinaryException">The answer has no list.</exception>
    public static IReadOnlyDictionary<Jid, PreKeyBundle> Parse(Node response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var list = response.GetChild("list") ?? throw new WaBinaryException("The prekey answer has no <list>.");
        var bundles = new Dictionary<Jid, PreKeyBundle>();
        foreach (var user in list.GetChildren("user"))
        {
            if (user.GetJid("jid") is not { } jid || user.HasChild("error"))
            {
                continue;
            }
            bundles[jid] = ReadBundle(user);
        }
        return bundles;
    }

    /// <summary>
    /// A bundle from a node holding registration, identity, skey and optionally key (a usync
    /// <c>&lt;user&gt;</c> or a retry receipt); the keys may sit in a <c>&lt;keys&gt;</c> child.
    /// </summary>
    /// <exception cref="WaBinaryException">A part is missing or has the wrong length.</exception>
    public static PreKeyBundle ReadBundle(Node holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        var keys = holder.GetChild("keys") ?? holder;
        var registration = Bytes(holder.GetChild("registration") ?? keys.GetChild("registration"), "registration", 4);
        var identity = Key(keys.GetChild("identity"), "identity");
        var signed = keys.GetChild("skey") ?? throw new WaBinaryException("The bundle has no <skey>.");
        var oneTime = keys.GetChild("key");
        return new PreKeyBundle(
            BinaryPrimitives.ReadUInt32BigEndian(registration),
            identity,
            ThreeByteId(signed.GetChild("id")),
            Key(signed.GetChild("value"), "skey value"),
            Bytes(signed.GetChild("signature"), "skey signature", XEdDsa.SignatureLength).ToArray(),
            oneTime is null ? null : ThreeByteId(oneTime.GetChild("id")),
            oneTime is null ? null : Key(oneTime.GetChild("value"), "key value"));
    }

    private static uint ThreeByteId(Node? node)
    {
        var id = Bytes(node, "id", 3);
        return (uint)(id[0] << 16 | id[1] << 8 | id[2]);
    }

    private static Curve25519PublicKey Key(Node? node, string what) =>
        Curve25519PublicKey.FromBytes(Bytes(node, what, 32));

    private static ReadOnlySpan<byte> Bytes(Node? node, string what, int length)
    {
        var bytes = node?.Bytes ?? throw new WaBinaryException($"The bundle has no {what}.");
        if (bytes.Length != length)
        {
            throw new WaBinaryException($"The bundle's {what} has {bytes.Length} bytes, not {length}.");
        }
        return bytes.Span;
    }
}
