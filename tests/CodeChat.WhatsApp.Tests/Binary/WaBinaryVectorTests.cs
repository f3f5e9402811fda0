using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Tests.Binary;

/// <summary>
/// Known answers from vectors.json keys binary.* (whatsapp-protocol.md §12.3, derived with the v3
/// tables and cross-checked against whatsmeow/Baileys): each must match byte for byte both ways.
/// </summary>
public class WaBinaryVectorTests
{
    public static TheoryData<string> VectorKeys => new(BinaryVectors.DecodedBinaryKeys());

    [Fact]
    public void All_seven_v3_vectors_are_covered() => Assert.Equal(7, BinaryVectors.DecodedBinaryKeys().Count());

    [Theory]
    [MemberData(nameof(VectorKeys))]
    public void Encoding_the_decoded_form_gives_the_vector_bytes(string key)
    {
        var node = PythonNodeLiteral.Parse(BinaryVectors.Get(key + ".decoded"));

        var encoded = WaBinaryEncoder.Encode(node);

        Assert.Equal(BinaryVectors.Get(key), Convert.ToHexStringLower(encoded));
    }

    [Theory]
    [MemberData(nameof(VectorKeys))]
    public void Decoding_the_vector_bytes_gives_the_decoded_form(string key)
    {
        var expected = PythonNodeLiteral.Parse(BinaryVectors.Get(key + ".decoded"));

        var decoded = WaBinaryDecoder.Decode(BinaryVectors.Hex(key));

        Assert.Equal(expected, decoded);
    }

    [Fact]
    public void Compressed_keepalive_frame_inflates_to_the_keepalive_node()
    {
        // vectors.json binary.keepalive_compressed_frame_example: flag 0x02 + zlib (§1.4, §12.3).
        var expected = PythonNodeLiteral.Parse(BinaryVectors.Get("binary.keepalive_iq.decoded"));

        var decoded = WaBinaryDecoder.Decode(BinaryVectors.Hex("binary.keepalive_compressed_frame_example"));

        Assert.Equal(expected, decoded);
    }

    [Fact]
    public void Decoded_vectors_keep_jids_typed_and_binary_content_as_bytes()
    {
        // binary.message_participants_enc: pitfall P23 — JIDs stay Jid, <enc> payload stays bytes.
        var message = WaBinaryDecoder.Decode(BinaryVectors.Hex("binary.message_participants_enc"));

        var to = message.GetRequiredChild("participants").GetRequiredChild("to");
        Assert.True(to.Attributes.TryGetValue("jid", out var jidValue));
        Assert.Equal(new Jid("15551234567", JidServers.User, device: 2), jidValue.Jid);
        var enc = to.GetRequiredChild("enc");
        Assert.Equal(NodeContentKind.Bytes, enc.Content.Kind);
        Assert.Equal([0x33, 0x0a, 0x21], enc.Bytes!.Value.ToArray());
    }

    [Fact]
    public void Adjid_lid_vector_decodes_device_and_server()
    {
        // binary.receipt_adjid_lid_device7: f7 01 07 … = AD_JID, domain 1 (lid), device 7 (§12.3 walk-through).
        var receipt = WaBinaryDecoder.Decode(BinaryVectors.Hex("binary.receipt_adjid_lid_device7"));

        var to = receipt.GetRequiredJid("to");
        Assert.True(to.IsLid);
        Assert.Equal(7, to.Device);
        Assert.Equal("123456789012345:7@lid", to.ToString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), receipt.GetRequiredUnixTime("t"));
    }

    [Fact]
    public void Token_tables_have_the_v3_shape_and_spot_values()
    {
        // whatsapp-protocol.md §3.6: 236 single-byte tokens, 4×256 double-byte; spot indices listed there.
        var tokens = WaTokenDictionary.Current;
        Assert.Equal(3, tokens.Version);
        Assert.Equal(236, tokens.SingleByteTokens.Length);
        Assert.All(tokens.DoubleByteTokens, d => Assert.Equal(256, d.Length));
        Assert.Equal("s.whatsapp.net", tokens.SingleByteTokens[3]);
        Assert.Equal("iq", tokens.SingleByteTokens[25]);
        Assert.Equal("urn:xmpp:whatsapp:push", tokens.SingleByteTokens[30]);
        Assert.Equal("usync", tokens.SingleByteTokens[121]);
        Assert.Equal("device-identity", tokens.SingleByteTokens[230]);
        Assert.Equal(WaToken.Double(0, 45), Lookup("skey"));
        Assert.Equal(WaToken.Double(1, 8), Lookup("offline_batch"));
        Assert.Equal(WaToken.Double(1, 99), Lookup("hist_sync"));
        Assert.Equal(WaToken.Double(2, 60), Lookup("failure"));
        Assert.Same(tokens, WaTokenDictionary.Current);

        static WaToken Lookup(string value) =>
            WaTokenDictionary.Current.TryGetToken(value, out var token) ? token : throw new KeyNotFoundException(value);
    }
}
