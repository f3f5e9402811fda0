using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>Wire-format checks of msg/pkmsg (whatsapp-protocol.md §6.5; libsignal-node <c>_decodeTupleByte</c> checks).</summary>
public class SignalMessageWireTests
{
    [Theory]
    [InlineData(0x23)] // message version 2: too old
    [InlineData(0x34)] // needs version 4: too new
    [InlineData(0x00)]
    public void Version_bytes_libsignal_rejects_are_rejected(byte version)
    {
        var msg = Hex("bcs.ratchet_encrypt.whisper_message");
        msg[0] = version;
        Assert.Throws<InvalidSignalMessageException>(() => SignalMessage.Parse(msg));
        var pkmsg = Hex("bcs.pkmsg_decrypt.pkmsg");
        pkmsg[0] = version;
        Assert.Throws<InvalidSignalMessageException>(() => PreKeySignalMessage.Parse(pkmsg));
    }

    [Fact]
    public void A_newer_message_version_that_still_accepts_3_parses()
    {
        // High nibble ≥ 3 and low nibble ≤ 3 pass libsignal-node's check.
        var msg = Hex("bcs.ratchet_encrypt.whisper_message");
        msg[0] = 0x43;
        Assert.Equal(0u, SignalMessage.Parse(msg).Counter);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    public void Truncated_messages_are_rejected(int length) =>
        Assert.Throws<InvalidSignalMessageException>(() => SignalMessage.Parse(Hex("bcs.ratchet_encrypt.whisper_message").AsSpan(0, length)));

    [Fact]
    public void Pkmsg_vector_reserializes_byte_for_byte()
    {
        var parsed = PreKeySignalMessage.Parse(Hex("bcs.pkmsg_decrypt.pkmsg"));
        var rebuilt = PreKeySignalMessage.Create(parsed.RegistrationId, parsed.PreKeyId, parsed.SignedPreKeyId, parsed.BaseKey, parsed.IdentityKey, parsed.Message);
        Assert.Equal(Hex("bcs.pkmsg_decrypt.pkmsg"), rebuilt.Serialized.ToArray());
    }

    [Fact]
    public void A_pkmsg_without_one_time_prekey_omits_the_field()
    {
        var message = SignalMessage.Parse(Hex("bcs.ratchet_encrypt.whisper_message"));
        var key = Curve25519KeyPair.Generate().PublicKey;
        var pkmsg = PreKeySignalMessage.Create(5, null, 1, key, key, message);
        var parsed = PreKeySignalMessage.Parse(pkmsg.Serialized.Span);
        Assert.Null(parsed.PreKeyId);
        Assert.Equal(SignalMessage.VersionByte, pkmsg.Serialized.Span[0]);
        Assert.Equal(0x33, SignalMessage.VersionByte);
    }

    [Fact]
    public void A_pkmsg_without_base_key_is_rejected()
    {
        // 33 | signedPreKeyId=1 | message=…  (no base key, no identity key)
        byte[] bad = [0x33, 0x30, 0x01, 0x22, 0x01, 0x00];
        Assert.Throws<InvalidSignalMessageException>(() => PreKeySignalMessage.Parse(bad));
    }
}
