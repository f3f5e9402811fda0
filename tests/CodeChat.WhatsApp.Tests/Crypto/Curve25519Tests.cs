using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Crypto;

public class Curve25519Tests
{
    [Theory]
    // RFC 7748 §5.2, the two single-step X25519 test vectors.
    [InlineData("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4", "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c", "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")]
    [InlineData("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d", "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493", "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957")]
    public void X25519_rfc7748_section_5_2(string scalar, string u, string expected)
    {
        Assert.Equal(expected, Convert.ToHexStringLower(Curve25519.Agree(FromHex(scalar), FromHex(u))));
    }

    [Fact]
    public void X25519_rfc7748_section_5_2_iterated()
    {
        // RFC 7748 §5.2: k = u = 9; each round k, u = X25519(k, u), k. After 1 and after 1,000 rounds.
        var k = new byte[32];
        k[0] = 9;
        var u = k.ToArray();
        for (var round = 1; round <= 1000; round++)
        {
            var next = Curve25519.Agree(k, u);
            u = k;
            k = next;
            if (round == 1)
                Assert.Equal("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", Convert.ToHexStringLower(k));
        }
        Assert.Equal("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", Convert.ToHexStringLower(k));
    }

    [Fact]
    public void X25519_rfc7748_section_6_1_diffie_hellman()
    {
        // RFC 7748 §6.1: Alice and Bob derive the same secret; importing clamps but keeps the public keys.
        var alice = Curve25519KeyPair.FromPrivateKey(FromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        var bob = Curve25519KeyPair.FromPrivateKey(FromHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", alice.PublicKey.ToString());
        Assert.Equal("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", bob.PublicKey.ToString());
        const string shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        Assert.Equal(shared, Convert.ToHexStringLower(alice.Agree(bob.PublicKey)));
        Assert.Equal(shared, Convert.ToHexStringLower(bob.Agree(alice.PublicKey)));
    }

    [Theory]
    // vectors.json key.<label>.priv/.pub: priv = clamp(SHA256(label)), pub = X25519(priv, 9) (whatsapp-protocol.md §12 fixed keys).
    [InlineData("noise-static")]
    [InlineData("client-ephemeral")]
    [InlineData("server-ephemeral")]
    [InlineData("server-static")]
    [InlineData("test-root")]
    [InlineData("test-intermediate")]
    [InlineData("identity")]
    [InlineData("signed-prekey")]
    [InlineData("prekey-1")]
    [InlineData("primary-account")]
    [InlineData("primary-identity")]
    [InlineData("code-companion-ephemeral")]
    [InlineData("code-primary-ephemeral")]
    public void Fixed_test_keys_public_from_private(string label)
    {
        var unclamped = SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(label));
        var keyPair = Curve25519KeyPair.FromPrivateKey(unclamped);
        Assert.Equal(Hex($"key.{label}.priv"), keyPair.PrivateKey.ToArray());
        Assert.Equal(Hex($"key.{label}.pub"), keyPair.PublicKey.Raw32.ToArray());
    }

    [Fact]
    public void Pairing_code_shared_secrets()
    {
        // vectors.json code.ephemeral_shared_secret and code.identity_shared_secret (§12.5).
        var companion = Curve25519KeyPair.FromPrivateKey(Hex("key.code-companion-ephemeral.priv"));
        var identity = Curve25519KeyPair.FromPrivateKey(Hex("key.identity.priv"));
        Assert.Equal(Hex("code.ephemeral_shared_secret"), companion.Agree(Curve25519PublicKey.FromBytes(Hex("key.code-primary-ephemeral.pub"))));
        Assert.Equal(Hex("code.identity_shared_secret"), identity.Agree(Curve25519PublicKey.FromBytes(Hex("key.primary-identity.pub"))));
    }

    [Fact]
    public void Agreement_with_a_low_order_point_is_rejected()
    {
        // u = 0 and u = 1 are low-order points: X25519 yields all zeros, which must not be accepted.
        var keyPair = Curve25519KeyPair.Generate();
        Assert.Throws<CryptographicException>(() => keyPair.Agree(Curve25519PublicKey.FromBytes(new byte[32])));
        var one = new byte[32];
        one[0] = 1;
        Assert.Throws<CryptographicException>(() => keyPair.Agree(Curve25519PublicKey.FromBytes(one)));
    }

    [Fact]
    public void Import_clamps_the_private_key()
    {
        var raw = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        var keyPair = Curve25519KeyPair.FromPrivateKey(raw);
        var clamped = keyPair.PrivateKey.Span;
        Assert.Equal(0xF8, clamped[0]);
        Assert.Equal(0x7F, clamped[31]);
        Assert.Equal(0xFF, raw[0]);
    }

    [Fact]
    public void Generated_key_pairs_are_clamped_and_agree()
    {
        var a = Curve25519KeyPair.Generate();
        var b = Curve25519KeyPair.Generate();
        Assert.Equal(0, a.PrivateKey.Span[0] & 0x07);
        Assert.Equal(0x40, a.PrivateKey.Span[31] & 0xC0);
        Assert.Equal(a.Agree(b.PublicKey), b.Agree(a.PublicKey));
        Assert.DoesNotContain(Convert.ToHexStringLower(a.PrivateKey.Span), a.ToString());
    }

    [Fact]
    public void Public_key_has_raw_and_signal_forms()
    {
        // vectors.json bcs.ratchet_encrypt.our_identity_pub is a 33-byte Signal key (pitfall P14).
        var signal = Hex("bcs.ratchet_encrypt.our_identity_pub");
        var fromSignal = Curve25519PublicKey.FromBytes(signal);
        var fromRaw = Curve25519PublicKey.FromBytes(signal.AsSpan(1));
        Assert.Equal(signal, fromSignal.Signal33.ToArray());
        Assert.Equal(signal[1..], fromSignal.Raw32.ToArray());
        Assert.Equal(fromSignal, fromRaw);
        Assert.Equal(fromSignal.GetHashCode(), fromRaw.GetHashCode());
        Assert.False(Curve25519PublicKey.TryFromBytes([0x06, .. signal[1..]], out _));
        Assert.Throws<ArgumentException>(() => Curve25519PublicKey.FromBytes(new byte[31]));
    }
}
