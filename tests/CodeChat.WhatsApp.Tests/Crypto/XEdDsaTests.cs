using CodeChat.WhatsApp.Crypto;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Crypto;

public class XEdDsaTests
{
    [Fact]
    public void Deterministic_signature_reproduces_baileyscsharp_vector()
    {
        // vectors.json bcs.xeddsa.* (BaileysCSharp TestSuccessSign), whatsapp-protocol.md §12.1 (a).
        var keyPair = Curve25519KeyPair.FromPrivateKey(Hex("bcs.xeddsa.priv"));
        Assert.Equal(Hex("bcs.xeddsa.pub(derived)"), keyPair.PublicKey.Raw32.ToArray());
        var signature = keyPair.SignDeterministic(Hex("bcs.xeddsa.msg"));
        Assert.Equal(Hex("bcs.xeddsa.sig"), signature);
        Assert.True(keyPair.PublicKey.Verify(Hex("bcs.xeddsa.msg"), signature));
    }

    [Fact]
    public void Deterministic_signed_prekey_signature()
    {
        // vectors.json signal.signed_prekey.* — identity key over 05‖spk.pub, whatsapp-protocol.md §12.2.
        var identity = Curve25519KeyPair.FromPrivateKey(Hex("key.identity.priv"));
        var signedPreKey = Curve25519PublicKey.FromBytes(Hex("key.signed-prekey.pub"));
        Assert.Equal(Hex("signal.signed_prekey.sig_message"), signedPreKey.Signal33.ToArray());
        Assert.Equal(Hex("signal.signed_prekey.signature_deterministic"), identity.SignDeterministic(signedPreKey.Signal33.Span));
    }

    [Theory]
    // vectors.json pair.* (§12.4), noise.cert.* (§12.2), all deterministic signatures.
    [InlineData("key.identity.priv", "pair.device_signature_message", "pair.device_signature_deterministic")]
    [InlineData("key.primary-account.priv", "pair.account_signature_message", "pair.account_signature")]
    [InlineData("key.test-root.priv", "noise.cert.intermediate_details", "noise.cert.intermediate_sig")]
    [InlineData("key.test-intermediate.priv", "noise.cert.leaf_details", "noise.cert.leaf_sig")]
    public void Deterministic_signatures_of_derived_vectors(string privateKey, string message, string signature)
    {
        var keyPair = Curve25519KeyPair.FromPrivateKey(Hex(privateKey));
        Assert.Equal(Hex(signature), keyPair.SignDeterministic(Hex(message)));
        Assert.True(XEdDsa.Verify(keyPair.PublicKey.Signal33.Span, Hex(message), Hex(signature)));
    }

    [Fact]
    public void Sender_key_message_signature()
    {
        // vectors.json senderkey.skmsg_serialized_deterministic_sig: the last 64 bytes sign the rest (§12.7).
        var skmsg = Hex("senderkey.skmsg_serialized_deterministic_sig");
        var signingKey = Curve25519KeyPair.FromPrivateKey(Hex("senderkey.signing_priv"));
        Assert.Equal(Hex("senderkey.signing_pub"), signingKey.PublicKey.Raw32.ToArray());
        Assert.Equal(skmsg[^64..], signingKey.SignDeterministic(skmsg[..^64]));
    }

    [Fact]
    public void Verifies_a_real_whatsapp_signed_prekey_signature()
    {
        // vectors.json bcs.init_outgoing.their_signed_prekey_signature: captured from a real bundle (§12.1).
        var theirIdentity = Curve25519PublicKey.FromBytes(Hex("bcs.init_outgoing.their_identity"));
        Assert.True(theirIdentity.Verify(Hex("bcs.init_outgoing.their_signed_prekey(id 1)"), Hex("bcs.init_outgoing.their_signed_prekey_signature")));
    }

    [Fact]
    public void Randomized_signature_matches_independent_derivation()
    {
        // Derived for this test with an independent Python edwards25519 implementation of
        // whatsapp-protocol.md §13.2 step 3 (randomized nonce), Z = 00 01 … 3f, identity key over 05‖spk.pub.
        var random = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        var signature = XEdDsa.Sign(Hex("key.identity.priv"), Hex("signal.signed_prekey.sig_message"), random);
        Assert.Equal(
            "4f726b51c5fc64f84fa7dde26dce4c4d0762dbb31a6fc5f5b525aa7cbc62a74a12565668ae50de4436f1bf5883c4b5b9cd414f3d58bbfeebf468dfbed2653f8e",
            Convert.ToHexStringLower(signature));
    }

    [Fact]
    public void Randomized_signatures_differ_and_verify()
    {
        var keyPair = Curve25519KeyPair.Generate();
        var message = "sign me"u8.ToArray();
        var first = keyPair.Sign(message);
        var second = keyPair.Sign(message);
        Assert.NotEqual(first, second);
        Assert.True(keyPair.PublicKey.Verify(message, first));
        Assert.True(keyPair.PublicKey.Verify(message, second));
    }

    [Fact]
    public void Signing_clamps_an_unclamped_private_key()
    {
        // Pitfall P13: libsignal-node keys arrive unclamped; the signature must match the clamped key.
        var unclamped = Enumerable.Range(1, 32).Select(i => (byte)(i * 7 + 0x80)).ToArray();
        var message = "clamp"u8.ToArray();
        var fromRaw = XEdDsa.SignDeterministic(unclamped, message);
        var keyPair = Curve25519KeyPair.FromPrivateKey(unclamped);
        Assert.Equal(keyPair.SignDeterministic(message), fromRaw);
        Assert.True(keyPair.PublicKey.Verify(message, fromRaw));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(63)]
    public void Verify_rejects_a_flipped_signature_bit(int byteIndex)
    {
        var signature = Hex("bcs.xeddsa.sig");
        signature[byteIndex] ^= 0x01;
        Assert.False(XEdDsa.Verify(Hex("bcs.xeddsa.pub(derived)"), Hex("bcs.xeddsa.msg"), signature));
    }

    [Fact]
    public void Verify_rejects_a_flipped_sign_bit_a_changed_message_and_the_wrong_key()
    {
        var signature = Hex("bcs.xeddsa.sig");
        var message = Hex("bcs.xeddsa.msg");
        var publicKey = Hex("bcs.xeddsa.pub(derived)");
        var flippedSign = (byte[])signature.Clone();
        flippedSign[63] ^= 0x80;
        Assert.False(XEdDsa.Verify(publicKey, message, flippedSign));
        var changedMessage = (byte[])message.Clone();
        changedMessage[0] ^= 0x01;
        Assert.False(XEdDsa.Verify(publicKey, changedMessage, signature));
        Assert.False(XEdDsa.Verify(Hex("key.identity.pub"), message, signature));
        Assert.False(XEdDsa.Verify(publicKey, message, signature[..63]));
        Assert.False(XEdDsa.Verify(publicKey[..31], message, signature));
    }
}
