using CodeChat.WhatsApp.Signal;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>
/// <c>&lt;enc v="2"&gt;</c> padding (whatsapp-protocol.md §6.8). Vectors: plaintexts decrypted from
/// real and derived messages in vectors.json, whose trailing n bytes of value n are the padding.
/// </summary>
public class MessagePaddingTests
{
    [Theory]
    // key, padding length, unpadded hex (whatsapp-protocol.md §12.1 (d), (e), (g) and §12.7)
    [InlineData("bcs.group.plaintext_padded", 4, "32070a0548656c6c6f")]
    [InlineData("senderkey.plaintext_padded", 5, "0a0b48656c6c6f2067726f7570")]
    [InlineData("bcs.pkmsg_decrypt.plaintext_padded(derived)", 14, "620610094a020800")]
    [InlineData("bcs.ratchet_encrypt.plaintext_padded", 3, "fa01300a1a323737393737393831373940732e77686174736170702e6e6574121232100a0e6f682068656c6c6f207468657265")]
    public void Published_padded_plaintexts_pad_and_unpad(string key, byte padding, string unpaddedHex)
    {
        var unpadded = Convert.FromHexString(unpaddedHex);

        Assert.Equal(Hex(key), MessagePadding.Pad(unpadded, padding));
        Assert.Equal(unpadded, MessagePadding.Unpad(Hex(key)).ToArray());
    }

    [Fact]
    public void Random_padding_is_1_to_16_bytes_of_its_own_length_and_uses_the_whole_range()
    {
        var message = "0a026869"u8.ToArray();
        var seen = new HashSet<int>();
        for (var i = 0; i < 2000; i++)
        {
            var padded = MessagePadding.Pad(message);
            var n = padded.Length - message.Length;
            Assert.InRange(n, 1, 16);
            Assert.All(padded[message.Length..], b => Assert.Equal(n, b));
            Assert.Equal(message, MessagePadding.Unpad(padded).ToArray());
            seen.Add(n);
        }
        // 2000 draws miss one of 16 equally likely values with probability < 1e-50.
        Assert.Equal(16, seen.Count);
    }

    [Theory]
    [InlineData("")]                 // nothing to unpad
    [InlineData("0a0200")]           // zero padding length
    [InlineData("0a0205")]           // longer than the plaintext
    [InlineData("0a02690303")]       // one of the last three bytes is not 3
    [InlineData("0a026904030404")]   // one of the last four bytes is not 4
    public void Invalid_padding_is_refused(string hex)
    {
        Assert.Throws<InvalidSignalMessageException>(() => MessagePadding.Unpad(Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    public void Padding_lengths_outside_1_to_16_are_refused(byte padding)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MessagePadding.Pad([1, 2, 3], padding));
    }
}
