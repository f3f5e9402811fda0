using System.Text;
using CodeChat.WhatsApp.Crypto;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Crypto;

public class KeyDerivationTests
{
    [Fact]
    public void Hkdf_rfc5869_test_case_1()
    {
        // RFC 5869 Appendix A.1; also whatsapp-protocol.md §12.8.
        var okm = KeyDerivation.HkdfSha256(
            Enumerable.Repeat((byte)0x0b, 22).ToArray(),
            FromHex("000102030405060708090a0b0c"),
            FromHex("f0f1f2f3f4f5f6f7f8f9"),
            42);
        Assert.Equal("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", Convert.ToHexStringLower(okm));
    }

    [Fact]
    public void Hkdf_rfc5869_test_case_2_long_inputs()
    {
        // RFC 5869 Appendix A.2.
        var okm = KeyDerivation.HkdfSha256(
            Enumerable.Range(0x00, 0x50).Select(i => (byte)i).ToArray(),
            Enumerable.Range(0x60, 0x50).Select(i => (byte)i).ToArray(),
            Enumerable.Range(0xb0, 0x50).Select(i => (byte)i).ToArray(),
            82);
        Assert.Equal(
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87",
            Convert.ToHexStringLower(okm));
    }

    [Fact]
    public void Hkdf_rfc5869_test_case_3_empty_salt_and_info()
    {
        // RFC 5869 Appendix A.3: an empty salt must act as HashLen zero bytes.
        var okm = KeyDerivation.HkdfSha256(Enumerable.Repeat((byte)0x0b, 22).ToArray(), [], ReadOnlySpan<byte>.Empty, 42);
        Assert.Equal("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8", Convert.ToHexStringLower(okm));
    }

    [Fact]
    public void Hkdf_accepts_empty_input_key_material()
    {
        // Noise Split is HKDF(ikm=∅, salt=ck): vectors.json noise.ck_after_se → noise.transport_client_write_key ‖
        // noise.transport_client_read_key (§12.2). The no-salt case was computed with Python hmac/hashlib (RFC 5869 steps).
        var split = KeyDerivation.HkdfSha256([], Hex("noise.ck_after_se"), ReadOnlySpan<byte>.Empty, 64);
        Assert.Equal([.. Hex("noise.transport_client_write_key"), .. Hex("noise.transport_client_read_key")], split);
        Assert.Equal(
            "556cc93d19253fa1a149a804017b7e9602ab815de15cdc388e29c05dc1b67594",
            Convert.ToHexStringLower(KeyDerivation.HkdfSha256([], [], "abc", 32)));
    }

    [Fact]
    public void Hkdf_pairing_code_key_bundle_key()
    {
        // vectors.json code.key_bundle_encryption_key, whatsapp-protocol.md §12.5 (salt 101112…2f).
        var salt = Enumerable.Range(0x10, 32).Select(i => (byte)i).ToArray();
        var key = KeyDerivation.HkdfSha256(Hex("code.ephemeral_shared_secret"), salt, "link_code_pairing_key_bundle_encryption_key", 32);
        Assert.Equal(Hex("code.key_bundle_encryption_key"), key);
    }

    [Fact]
    public void Hkdf_pairing_code_adv_secret()
    {
        // vectors.json code.adv_secret, whatsapp-protocol.md §12.5 (advRandom = 505152…6f, no salt).
        var advRandom = Enumerable.Range(0x50, 32).Select(i => (byte)i).ToArray();
        byte[] ikm = [.. Hex("code.ephemeral_shared_secret"), .. Hex("code.identity_shared_secret"), .. advRandom];
        Assert.Equal(Hex("code.adv_secret"), KeyDerivation.HkdfSha256(ikm, [], "adv_secret", 32));
    }

    [Fact]
    public void Hkdf_app_state_mutation_key_expansion()
    {
        // vectors.json appstate.expanded.*, whatsapp-protocol.md §12.7: HKDF(keyData, "WhatsApp Mutation Keys", 160) = 5 × 32 bytes.
        var expanded = KeyDerivation.HkdfSha256(Hex("appstate.key_data"), [], "WhatsApp Mutation Keys", 160);
        Assert.Equal(Hex("appstate.expanded.index"), expanded[..32]);
        Assert.Equal(Hex("appstate.expanded.value_encryption"), expanded[32..64]);
        Assert.Equal(Hex("appstate.expanded.value_mac"), expanded[64..96]);
        Assert.Equal(Hex("appstate.expanded.snapshot_mac"), expanded[96..128]);
        Assert.Equal(Hex("appstate.expanded.patch_mac"), expanded[128..160]);
    }

    [Fact]
    public void Pbkdf2_pairing_code_link_key()
    {
        // vectors.json code.link_code_key / code.pbkdf2_salt / code.pbkdf2_iterations, whatsapp-protocol.md §12.5.
        var key = KeyDerivation.Pbkdf2Sha256(
            Encoding.ASCII.GetBytes(Text("code.code")),
            Hex("code.pbkdf2_salt"),
            checked((int)Number("code.pbkdf2_iterations")),
            32);
        Assert.Equal(Hex("code.link_code_key"), key);
    }
}
