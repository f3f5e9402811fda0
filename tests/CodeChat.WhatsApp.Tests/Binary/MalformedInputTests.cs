using System.IO.Compression;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Tests.Binary;

/// <summary>Every class of malformed or hostile frame ends in <see cref="WaBinaryException"/> and nothing else.</summary>
public class MalformedInputTests
{
    private static void AssertRejected(string hex, WaBinaryLimits? limits = null) =>
        Assert.Throws<WaBinaryException>(() => WaBinaryDecoder.Decode(Convert.FromHexString(hex), limits));

    public static TheoryData<string> VectorKeys => new(BinaryVectors.DecodedBinaryKeys());

    [Theory]
    [MemberData(nameof(VectorKeys))]
    public void Every_truncation_of_a_vector_is_rejected(string key)
    {
        // vectors.json binary.*: no proper prefix of a valid frame is itself a complete node.
        var frame = BinaryVectors.Hex(key);
        for (var length = 0; length < frame.Length; length++)
        {
            Assert.Throws<WaBinaryException>(() => WaBinaryDecoder.Decode(frame.AsSpan(0, length)));
        }
    }

    [Theory]
    [InlineData("00", "no node at all")]
    [InlineData("0019", "node must start with a list tag")]
    [InlineData("000000", "node with an empty header list")]
    [InlineData("00f801f0", "tag byte 240 is unused")]
    [InlineData("00f801f4", "tag byte 244 is unused")]
    [InlineData("00f80100", "tag from LIST_EMPTY")]
    [InlineData("00f801ff00", "empty packed tag")]
    [InlineData("00f801fa0003", "tag position holding a JID")]
    [InlineData("00f80319f80100", "attribute name that is a list")]
    [InlineData("00f8031908f801f80119", "attribute value that is a list")]
    [InlineData("00f80219f8", "list size missing")]
    public void Structural_errors_are_rejected(string hex, string why)
    {
        Assert.False(string.IsNullOrEmpty(why));
        AssertRejected(hex);
    }

    [Theory]
    [InlineData("00f80219f0", "unused tag 240 as content")]
    [InlineData("00f80219ee", "double-byte token without its index")]
    [InlineData("00f8031908f1", "unused tag 241 as attribute value")]
    public void Bad_token_bytes_are_rejected(string hex, string why)
    {
        Assert.False(string.IsNullOrEmpty(why));
        AssertRejected(hex);
    }

    [Theory]
    [InlineData("00f80219fe7fffffff00", "BINARY_32 length of 2 GiB")]
    [InlineData("00f80219feffffffff", "BINARY_32 length with the sign bit")]
    [InlineData("00f80219fd0fffff00", "BINARY_20 longer than the frame")]
    [InlineData("00f80219fc0541", "BINARY_8 longer than the frame")]
    [InlineData("00f80219f9ffff", "65535 children in an empty remainder")]
    [InlineData("00f90fff19", "2047 attributes in an empty remainder")]
    [InlineData("00f80219ff7f", "packed string beyond 127 characters")]
    [InlineData("00f80219ff80", "odd packed string with no bytes")]
    [InlineData("00f80219ff05", "packed string longer than the frame")]
    [InlineData("00f80219ff01c0", "nibble value 12")]
    [InlineData("00f80219ff01f1", "nibble pad in a non-final position")]
    public void Oversize_or_inconsistent_lengths_are_rejected(string hex, string why)
    {
        Assert.False(string.IsNullOrEmpty(why));
        AssertRejected(hex);
    }

    [Fact]
    public void Deep_nesting_is_rejected_without_stack_overflow()
    {
        // 100 000 nested <iq> elements: f8 02 19 f8 01 … ; the default depth limit stops it early.
        var frame = new List<byte> { 0 };
        for (var i = 0; i < 100_000; i++)
        {
            frame.AddRange([0xf8, 0x02, 0x19, 0xf8, 0x01]);
        }
        frame.AddRange([0xf8, 0x01, 0x19]);

        var error = Assert.Throws<WaBinaryException>(() => WaBinaryDecoder.Decode(frame.ToArray()));
        Assert.Contains("nesting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_within_the_limit_is_accepted()
    {
        var depth = 20;
        var frame = new List<byte> { 0 };
        for (var i = 0; i < depth; i++)
        {
            frame.AddRange([0xf8, 0x02, 0x19, 0xf8, 0x01]);
        }
        frame.AddRange([0xf8, 0x01, 0x19]);

        var node = WaBinaryDecoder.Decode(frame.ToArray());
        for (var i = 0; i < depth; i++)
        {
            node = node.GetRequiredChild("iq");
        }
        Assert.Equal(NodeContentKind.None, node.Content.Kind);
        Assert.Throws<WaBinaryException>(() => WaBinaryDecoder.Decode(frame.ToArray(), new WaBinaryLimits { MaxDepth = 10 }));
    }

    [Theory]
    [InlineData("00f8031911fafc0578406c6964" + "03", "user containing '@' (P21)")]
    [InlineData("00f8031911fa0000", "JID pair with an empty server")]
    [InlineData("00f8031911fa00fc0e532e57484154534150502e4e4554", "uppercase server")]
    [InlineData("00f8031911f6ff811f0001" + "03", "FB_JID whose server is not msgr")]
    [InlineData("00f8031911f5ff811f00010002" + "03", "interop JID whose server is not interop")]
    [InlineData("00f8031911f7010700", "AD_JID whose user is LIST_EMPTY")]
    [InlineData("00f8031911f70107fc02" + "78", "AD_JID user cut short")]
    [InlineData("00f8031911fa03", "JID pair without server")]
    [InlineData("00f8031911fafa000303", "JID nested in a JID")]
    public void Invalid_jid_parts_are_rejected(string hex, string why)
    {
        Assert.False(string.IsNullOrEmpty(why));
        AssertRejected(hex);
    }

    [Theory]
    [InlineData("02", "flag says compressed but nothing follows")]
    [InlineData("020102030405", "not a zlib header")]
    [InlineData("02789cfbc129c9f1bfdd51d93bac6296bce02f06", "zlib stream cut short")]
    [InlineData("02789cfbc129c9f1bfdd51d93bac6296bce02f0666164db1700053390688", "bad adler checksum")]
    // Found by tests/WaBinary.Fuzz (seed 1): corrupt deflate data surfaced as ZLibException, not InvalidDataException.
    [InlineData("2f38eace9b70bf8554", "corrupt deflate block (fuzz finding)")]
    [InlineData("0278f9ef01fbc1f84e0d0105e9020e", "corrupt deflate block (fuzz finding)")]
    public void Bad_zlib_is_rejected(string hex, string why)
    {
        Assert.False(string.IsNullOrEmpty(why));
        AssertRejected(hex);
    }

    [Fact]
    public void Decompression_bomb_is_stopped_at_the_limit()
    {
        // 4 MiB of zeros compresses to a few KiB; a 1 MiB limit must refuse it before inflating it all.
        using var compressed = new MemoryStream();
        compressed.WriteByte(0x02);
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[4 * 1024 * 1024]);
        }
        Assert.True(compressed.Length < 64 * 1024);

        var error = Assert.Throws<WaBinaryException>(() =>
            WaBinaryDecoder.Decode(compressed.ToArray(), new WaBinaryLimits { MaxDecompressedBytes = 1024 * 1024 }));
        Assert.Contains("inflates beyond", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_count_limit_applies()
    {
        // <iq> with 200 <iq/> children, limit 100 nodes.
        var frame = new List<byte> { 0, 0xf8, 0x02, 0x19, 0xf8, 200 };
        for (var i = 0; i < 200; i++)
        {
            frame.AddRange([0xf8, 0x01, 0x19]);
        }

        Assert.Equal(200, WaBinaryDecoder.Decode(frame.ToArray()).Children.Length);
        Assert.Throws<WaBinaryException>(() => WaBinaryDecoder.Decode(frame.ToArray(), new WaBinaryLimits { MaxNodes = 100 }));
    }

    [Fact]
    public void Encoder_refuses_what_the_wire_cannot_carry()
    {
        var deep = new Node("iq");
        for (var i = 0; i < WaBinaryEncoder.MaxDepth + 1; i++)
        {
            deep = new Node("iq", default, deep);
        }
        Assert.Throws<WaBinaryException>(() => WaBinaryEncoder.Encode(deep));

        var tooMany = new Node("list", default, Enumerable.Repeat(new Node("item"), ushort.MaxValue + 1).ToArray());
        Assert.Throws<WaBinaryException>(() => WaBinaryEncoder.Encode(tooMany));
    }
}
