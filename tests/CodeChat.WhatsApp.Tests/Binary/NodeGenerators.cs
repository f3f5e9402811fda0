using CodeChat.WhatsApp.Binary;
using CsCheck;

namespace CodeChat.WhatsApp.Tests.Binary;

/// <summary>CsCheck generators for nodes that exercise every compact form the encoder can pick.</summary>
internal static class NodeGenerators
{
    private static readonly string[] AllTokens =
    [
        .. WaTokenDictionary.Current.SingleByteTokens.Skip(1),
        .. WaTokenDictionary.Current.DoubleByteTokens.SelectMany(d => d),
    ];

    public static readonly Gen<string> Token = Gen.OneOf(AllTokens);

    public static readonly Gen<string> Nibble = Gen.String[Gen.Char["0123456789-."], 0, 127];

    public static readonly Gen<string> Hex = Gen.String[Gen.Char["0123456789ABCDEF"], 0, 127];

    /// <summary>Arbitrary text without lone surrogates (they cannot be UTF-8 encoded), sometimes past 255 bytes.</summary>
    public static readonly Gen<string> Raw = Gen.String[Gen.Char['\u0020', '\ud7ff'], 0, 300];

    /// <summary>Strings the decoder returns as text in content position (tokens and packed forms).</summary>
    public static readonly Gen<string> CompactText = Gen.OneOf(Token, Nibble, Hex);

    public static readonly Gen<string> AnyText = Gen.Frequency((3, Token), (2, Nibble), (1, Hex), (2, Raw));

    public static readonly Gen<string> Name = AnyText.Where(s => s.Length > 0);

    private static readonly Gen<string> Digits = Gen.String[Gen.Char["0123456789"], 1, 20];

    private static readonly Gen<string> UserWord = Gen.String[Gen.Char["0123456789abcXYZ-_"], 1, 20];

    public static readonly Gen<Jid> Jids = Gen.OneOf(
        Gen.Select(Digits, Gen.Byte, (u, d) => new Jid(u, JidServers.User, d)),
        Gen.Select(Digits, Gen.Byte[2, 127], Gen.Byte, (u, a, d) => new Jid(u, JidServers.User, d, a)),
        Gen.Select(Digits, Gen.Byte, (u, d) => new Jid(u, JidServers.Lid, d)),
        Gen.Select(Digits, Gen.Byte, (u, d) => new Jid(u, JidServers.Hosted, d)),
        Gen.Select(Digits, Gen.Byte, (u, d) => new Jid(u, JidServers.HostedLid, d)),
        Gen.Select(Digits, Gen.UShort, (u, d) => new Jid(u, JidServers.Messenger, d)),
        Gen.Select(Digits, Gen.UShort, Gen.UShort, (u, d, i) => new Jid(u, JidServers.Interop, d, 0, i)),
        Gen.Select(UserWord, Gen.OneOf(JidServers.Group, JidServers.Broadcast, JidServers.Newsletter, JidServers.Bot, JidServers.LegacyUser),
            (u, s) => new Jid(u, s)),
        Gen.OneOf(Jid.ServerJid, Jid.GroupServerJid, Jid.StatusBroadcast));

    private static readonly Gen<AttributeValue> AttributeValues = Gen.Frequency(
        (3, AnyText.Select(s => new AttributeValue(s))),
        (1, Jids.Select(j => new AttributeValue(j))));

    private static readonly Gen<NodeAttributes> Attributes =
        Gen.Select(Name, AttributeValues, (n, v) => new NodeAttribute(n, v)).Array[0, 6].Select(a => NodeAttributes.Create(a));

    private static readonly Gen<NodeContent> LeafContent = Gen.Frequency(
        (3, Gen.Const(NodeContent.None)),
        (2, Gen.Byte.Array[0, 300].Select(b => NodeContent.FromBytes(b))),
        (1, CompactText.Select(NodeContent.FromText)),
        (1, Jids.Select(NodeContent.FromJid)));

    public static readonly Gen<Node> Nodes = Gen.Recursive<Node>((depth, self) =>
    {
        var content = depth >= 4
            ? LeafContent
            : Gen.Frequency((3, LeafContent), (2, self.Array[1, 4].Select(children => NodeContent.FromChildren(children))));
        return Gen.Select(Name, Attributes, content, (tag, attributes, c) => new Node(tag, attributes, c));
    });
}
