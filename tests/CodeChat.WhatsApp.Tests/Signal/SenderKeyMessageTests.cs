using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal;
using CodeChat.WhatsApp.Signal.Groups;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>Parsing rules of skmsg and SKDM wire bytes (whatsapp-protocol.md §6.5; version check as libsignal-java).</summary>
public class SenderKeyMessageTests
{
    [Theory]
    [InlineData(0x23)] // version 2: legacy
    [InlineData(0x43)] // version 4: unknown
    public void Other_versions_are_refused(byte version)
    {
        var skmsg = Hex("senderkey.skmsg_serialized_deterministic_sig");
        skmsg[0] = version;
        var skdm = Hex("senderkey.skdm_serialized");
        skdm[0] = version;

        Assert.Throws<InvalidSignalMessageException>(() => SenderKeyMessage.Parse(skmsg));
        Assert.Throws<InvalidSignalMessageException>(() => SenderKeyDistributionMessage.Parse(skdm));
    }

    [Fact]
    public void Truncated_or_incomplete_messages_are_refused()
    {
        var skmsg = Hex("senderkey.skmsg_serialized_deterministic_sig");
        var skdm = Hex("senderkey.skdm_serialized");

        Assert.Throws<InvalidSignalMessageException>(() => SenderKeyMessage.Parse(skmsg[..65]));
        Assert.Throws<InvalidSignalMessageException>(() => SenderKeyMessage.Parse([0x33, .. new byte[10], .. skmsg[^64..]]));
        Assert.Throws<InvalidSignalMessageException>(() => SenderKeyDistributionMessage.Parse(skdm[..^10]));
        // id and iteration only: no chain key or signing key.
        Assert.Throws<InvalidSignalMessageException>(() => SenderKeyDistributionMessage.Parse(skdm[..8]));
        Assert.Throws<InvalidSignalMessageException>(() => SenderKeyDistributionMessage.Parse([0x33]));
    }

    [Fact]
    public void Parsed_message_exposes_its_fields_and_verifies_only_with_the_right_key()
    {
        var message = SenderKeyMessage.Parse(Hex("senderkey.skmsg_serialized_deterministic_sig"));

        Assert.Equal((uint)Number("senderkey.key_id"), message.KeyId);
        Assert.Equal(0u, message.Iteration);
        Assert.Equal(32, message.Ciphertext.Length);
        Assert.True(message.VerifySignature(Curve25519PublicKey.FromBytes(Hex("senderkey.signing_pub"))));
        Assert.False(message.VerifySignature(Curve25519KeyPair.Generate().PublicKey));
    }
}
