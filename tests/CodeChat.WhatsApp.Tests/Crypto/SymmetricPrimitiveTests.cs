using System.Security.Cryptography;
using System.Text;
using CodeChat.WhatsApp.Crypto;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Crypto;

public class SymmetricPrimitiveTests
{
    [Fact]
    public void AesCtr_wraps_companion_ephemeral_key_like_the_pairing_code_vector()
    {
        // vectors.json code.wrapped_companion_ephemeral_pub = salt ‖ iv ‖ AES-CTR(link key, iv, pub), §12.5.
        var wrapped = Hex("code.wrapped_companion_ephemeral_pub");
        var ciphertext = AesCtrCipher.Transform(Hex("code.link_code_key"), Hex("code.ctr_iv"), Hex("code.companion_ephemeral_pub"));
        Assert.Equal(Hex("code.pbkdf2_salt"), wrapped[..32]);
        Assert.Equal(Hex("code.ctr_iv"), wrapped[32..48]);
        Assert.Equal(wrapped[48..], ciphertext);
    }

    [Fact]
    public void AesCtr_unwraps_primary_ephemeral_key()
    {
        // vectors.json code.wrapped_primary_ephemeral_pub: salt 808182…9f, iv c0c1…cf, code "15JMBSWA" → key.code-primary-ephemeral.pub (§12.5).
        var wrapped = Hex("code.wrapped_primary_ephemeral_pub");
        var linkKey = KeyDerivation.Pbkdf2Sha256(Encoding.ASCII.GetBytes(Text("code.code")), wrapped[..32], 131072, 32);
        var plaintext = AesCtrCipher.Transform(linkKey, wrapped[32..48], wrapped[48..]);
        Assert.Equal(Hex("key.code-primary-ephemeral.pub"), plaintext);
    }

    [Fact]
    public void AesCtr_matches_nist_sp800_38a_f5_5()
    {
        // NIST SP 800-38A F.5.5 CTR-AES256.Encrypt, blocks 1–4 (counter f0f1…feff, so the low 64 bits carry).
        var key = FromHex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        var counter = FromHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
        var plaintext = FromHex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
        var expected = FromHex("601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c52b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6");
        Assert.Equal(expected, AesCtrCipher.Transform(key, counter, plaintext));
    }

    [Fact]
    public void AesCtr_carries_into_the_high_64_bits_and_handles_partial_blocks()
    {
        // Keystream block i must be AES(iv + i) over the full 128-bit counter (Go cipher.NewCTR semantics).
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var iv = FromHex("0000000000000001ffffffffffffffff");
        var input = new byte[40];
        var keystream = AesCtrCipher.Transform(key, iv, input);

        using var aes = Aes.Create();
        aes.Key = key;
        var secondCounter = FromHex("00000000000000020000000000000000");
        var expectedSecondBlock = aes.EncryptEcb(secondCounter, PaddingMode.None);
        Assert.Equal(aes.EncryptEcb(iv, PaddingMode.None), keystream[..16]);
        Assert.Equal(expectedSecondBlock, keystream[16..32]);
    }

    [Fact]
    public void AesGcm_wraps_the_pairing_key_bundle()
    {
        // vectors.json code.wrapped_key_bundle = kbSalt ‖ nonce(303132…3b) ‖ GCM(bundle key, bundle), §12.5.
        var wrapped = Hex("code.wrapped_key_bundle");
        var advRandom = Enumerable.Range(0x50, 32).Select(i => (byte)i).ToArray();
        byte[] bundle = [.. Hex("key.identity.pub"), .. Hex("key.primary-identity.pub"), .. advRandom];
        var sealedBundle = AesGcmCipher.Encrypt(Hex("code.key_bundle_encryption_key"), wrapped[32..44], bundle);
        Assert.Equal(wrapped[44..], sealedBundle);
        Assert.Equal(bundle, AesGcmCipher.Decrypt(Hex("code.key_bundle_encryption_key"), wrapped[32..44], sealedBundle));
    }

    [Fact]
    public void AesGcm_rejects_a_flipped_tag_bit()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = new byte[12];
        var sealedMessage = AesGcmCipher.Encrypt(key, nonce, "hello"u8, "aad"u8);
        sealedMessage[^1] ^= 0x01;
        Assert.ThrowsAny<CryptographicException>(() => AesGcmCipher.Decrypt(key, nonce, sealedMessage, "aad"u8));
    }

    [Fact]
    public void AesCbc_round_trips_and_pads_to_whole_blocks()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(16);
        var ciphertext = AesCbcCipher.Encrypt(key, iv, new byte[16]);
        Assert.Equal(32, ciphertext.Length);
        Assert.Equal(new byte[16], AesCbcCipher.Decrypt(key, iv, ciphertext));
    }

    [Fact]
    public void Hmac_sender_key_chain_step()
    {
        // vectors.json senderkey.*: message-key seed = HMAC(chainKey, 01), next chain key = HMAC(chainKey, 02) (§12.7).
        var chainKey = Hex("senderkey.chain_key_iter0");
        Assert.Equal(Hex("senderkey.msgkey_seed_iter0"), MessageAuthentication.HmacSha256(chainKey, [0x01]));
        Assert.Equal(Hex("senderkey.chain_key_iter1"), MessageAuthentication.HmacSha256(chainKey, [0x02]));
    }

    [Fact]
    public void Hmac_cstoken()
    {
        // vectors.json misc.cstoken(123456789012345@lid) = HMAC-SHA256(nctSalt, jid), §12.7.
        var token = MessageAuthentication.HmacSha256(Hex("misc.nct_salt"), "123456789012345@lid"u8);
        Assert.Equal(Hex("misc.cstoken(123456789012345@lid)"), token);
    }

    [Fact]
    public void Hmac_sha512_rfc4231_test_case_2()
    {
        // RFC 4231 §4.3 (key "Jefe").
        var mac = MessageAuthentication.HmacSha512("Jefe"u8, "what do ya want for nothing?"u8);
        Assert.Equal(
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
            Convert.ToHexStringLower(mac));
    }

    [Fact]
    public void Digests_known_answers()
    {
        // vectors.json payload.build_hash_md5(2.3000.1045649367) (§12.2) and media.media_key = SHA256("media-key") (§12.6).
        Assert.Equal(Hex("payload.build_hash_md5(2.3000.1045649367)"), Digests.Md5("2.3000.1045649367"u8));
        Assert.Equal(Hex("media.media_key"), Digests.Sha256("media-key"u8));
        // FIPS 180-2 SHA-512("abc").
        Assert.Equal(
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            Convert.ToHexStringLower(Digests.Sha512("abc"u8)));
    }
}
