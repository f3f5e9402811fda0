using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Tests.Binary;

/// <summary>
/// The encoder picks the same compact form whatsmeow's writeString/writeByteLength/writeListStart pick
/// (whatsapp-protocol.md §3.2–3.4), checked on the bytes of a one-attribute node <c>&lt;iq v="…"/&gt;</c>.
/// </summary>
public class WaBinaryEncoderFormTests
{
    // f8 03 = list of 3 (tag + one attribute pair), 19 = "iq", 51 = "v".
    private const string Header = "f8031951";

    public static TheoryData<string, string> StringForms => new()
    {
        { "participant", "05" }, // single-byte token 5
        { "skey", "ec2d" }, // double-byte dictionary 0 index 45 (§3.6)
        { "hist_sync", "ed63" }, // dictionary 1 index 99
        { "41234.56789-1", "ff8741234b56789a1f" }, // nibble, odd length (§12.3 walk-through)
        { "15551234567890", "ff0715551234567890" }, // nibble, even length
        { "ABCDEF0123", "fb05abcdef0123" }, // hex (uppercase only)
        { "abcdef", "fc06616263646566" }, // lowercase hex letters are raw
        { "3EB0", "fb023eb0" },
        { "é", "fc02c3a9" }, // raw UTF-8
    };

    [Theory]
    [MemberData(nameof(StringForms))]
    public void Strings_use_the_reference_form(string value, string expectedValueHex)
    {
        var encoded = WaBinaryEncoder.EncodeNode(new Node("iq", [new("v", value)]));

        Assert.Equal(Header + expectedValueHex, Convert.ToHexStringLower(encoded));
        Assert.Equal(value, WaBinaryDecoder.DecodeNode(encoded).GetAttribute("v"));
    }

    [Fact]
    public void Packed_forms_stop_at_127_characters()
    {
        var nibble127 = new string('1', 127);
        var nibble128 = new string('1', 128);

        Assert.StartsWith(Header + "ffc0", Convert.ToHexStringLower(WaBinaryEncoder.EncodeNode(new Node("iq", [new("v", nibble127)]))), StringComparison.Ordinal);
        Assert.StartsWith(Header + "fc80", Convert.ToHexStringLower(WaBinaryEncoder.EncodeNode(new Node("iq", [new("v", nibble128)]))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "fc00")]
    [InlineData(255, "fcff")]
    [InlineData(256, "fd000100")]
    [InlineData((1 << 20) - 1, "fd0fffff")]
    [InlineData(1 << 20, "fe00100000")]
    public void Byte_content_uses_binary_8_20_32_by_length(int length, string expectedLengthHex)
    {
        var node = new Node("iq", default, new byte[length]);

        var encoded = WaBinaryEncoder.EncodeNode(node);

        // f8 02 = list of 2 (tag + content), 19 = "iq".
        Assert.Equal("f80219" + expectedLengthHex, Convert.ToHexStringLower(encoded.AsSpan(0, 3 + expectedLengthHex.Length / 2)));
        Assert.Equal(3 + expectedLengthHex.Length / 2 + length, encoded.Length);
        Assert.Equal(node, WaBinaryDecoder.DecodeNode(encoded));
    }

    [Theory]
    [InlineData(1, "f801")]
    [InlineData(255, "f8ff")]
    [InlineData(256, "f90100")]
    public void Child_lists_use_list_8_or_16(int count, string expectedListHex)
    {
        var node = new Node("iq", default, Enumerable.Repeat(new Node("item"), count).ToArray());

        var encoded = WaBinaryEncoder.EncodeNode(node);

        Assert.Equal("f80219" + expectedListHex, Convert.ToHexStringLower(encoded.AsSpan(0, 3 + expectedListHex.Length / 2)));
        Assert.Equal(node, WaBinaryDecoder.DecodeNode(encoded));
    }

    [Fact]
    public void Many_attributes_use_a_list_16_header()
    {
        var attributes = NodeAttributes.Create(Enumerable.Range(0, 200).Select(i => new NodeAttribute("a" + i, "x")));

        var encoded = WaBinaryEncoder.EncodeNode(new Node("iq", attributes));

        Assert.Equal("f90191", Convert.ToHexStringLower(encoded.AsSpan(0, 3))); // 2*200 + 1 = 401
        Assert.Equal(200, WaBinaryDecoder.DecodeNode(encoded).Attributes.Count);
    }

    [Fact]
    public void Encode_prepends_the_uncompressed_flag_byte()
    {
        var node = new Node("iq");

        Assert.Equal([0x00, 0xf8, 0x01, 0x19], WaBinaryEncoder.Encode(node));
        Assert.Equal([0xf8, 0x01, 0x19], WaBinaryEncoder.EncodeNode(node));
    }
}
