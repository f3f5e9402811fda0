using System.Text;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WaBinary.Fuzz;

/// <summary>
/// Builds random but valid nodes from a seeded <see cref="Random"/>, covering every compact form:
/// tokens, double-byte tokens, nibble and hex packing, raw strings of each length class, all JID kinds,
/// byte content and nested lists.
/// </summary>
public sealed class RandomNodeGenerator(Random random)
{
    private readonly string[] _tokens =
    [
        .. WaTokenDictionary.Current.SingleByteTokens.Skip(1),
        .. WaTokenDictionary.Current.DoubleByteTokens.SelectMany(d => d),
    ];

    public Node Next(int maxDepth = 4) => NextNode(0, maxDepth);

    private Node NextNode(int depth, int maxDepth)
    {
        var attributeCount = random.Next(0, 6);
        var attributes = new NodeAttribute[attributeCount];
        for (var i = 0; i < attributeCount; i++)
        {
            AttributeValue value = random.Next(4) == 0 ? NextJid() : NextString();
            attributes[i] = new NodeAttribute(NextName(), value);
        }

        NodeContent content = random.Next(depth < maxDepth ? 6 : 4) switch
        {
            0 or 1 => NodeContent.None,
            2 => NodeContent.FromBytes(NextBytes()),
            3 => random.Next(2) == 0 ? NodeContent.FromText(NextCompactString()) : NodeContent.FromJid(NextJid()),
            _ => NodeContent.FromChildren(Enumerable.Range(0, random.Next(1, 5)).Select(_ => NextNode(depth + 1, maxDepth)).ToArray()),
        };
        return new Node(NextName(), NodeAttributes.Create(attributes), content);
    }

    private string NextName()
    {
        string name;
        do
        {
            name = NextString();
        }
        while (name.Length == 0);
        return name;
    }

    /// <summary>Strings that decode back as text even in content position.</summary>
    private string NextCompactString() => random.Next(3) switch
    {
        0 => _tokens[random.Next(_tokens.Length)],
        1 => NextFrom("0123456789-.", random.Next(0, 128)),
        _ => NextFrom("0123456789ABCDEF", random.Next(0, 128)),
    };

    private string NextString() => random.Next(5) switch
    {
        0 or 1 => _tokens[random.Next(_tokens.Length)],
        2 => NextFrom("0123456789-.", random.Next(0, 140)),
        3 => NextFrom("0123456789ABCDEF", random.Next(0, 140)),
        _ => NextRaw(),
    };

    private string NextRaw()
    {
        var length = random.Next(8) == 0 ? random.Next(200, 400) : random.Next(0, 40);
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            // Mostly ASCII, some BMP text; never lone surrogates (not representable in UTF-8).
            builder.Append(random.Next(5) == 0 ? (char)random.Next(0xA0, 0xD800) : (char)random.Next(0x20, 0x7F));
        }
        return builder.ToString();
    }

    private string NextFrom(string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }
        return new string(chars);
    }

    private byte[] NextBytes()
    {
        var length = random.Next(10) == 0 ? random.Next(256, 2000) : random.Next(0, 64);
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    public Jid NextJid()
    {
        var digits = NextFrom("0123456789", random.Next(1, 20));
        return random.Next(10) switch
        {
            0 => new Jid(digits, JidServers.User, (ushort)random.Next(0, 256)),
            1 => new Jid(digits, JidServers.User, (ushort)random.Next(0, 256), (byte)random.Next(2, 128)),
            2 => new Jid(digits, JidServers.Lid, (ushort)random.Next(0, 256)),
            3 => new Jid(digits, random.Next(2) == 0 ? JidServers.Hosted : JidServers.HostedLid, (ushort)random.Next(0, 256)),
            4 => new Jid(digits, JidServers.Messenger, (ushort)random.Next(0, 65536)),
            5 => new Jid(digits, JidServers.Interop, (ushort)random.Next(0, 65536), 0, (ushort)random.Next(0, 65536)),
            6 => new Jid(digits + "-" + NextFrom("0123456789", 10), JidServers.Group),
            7 => random.Next(2) == 0 ? Jid.StatusBroadcast : new Jid(digits, JidServers.Broadcast),
            8 => new Jid(digits, random.Next(2) == 0 ? JidServers.Newsletter : JidServers.Bot),
            _ => random.Next(2) == 0 ? Jid.ServerJid : Jid.GroupServerJid,
        };
    }
}
