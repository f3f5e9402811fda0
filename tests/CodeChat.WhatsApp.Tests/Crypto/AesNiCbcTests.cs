using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;
using CsCheck;

namespace CodeChat.WhatsApp.Tests.Crypto;

/// <summary>The AES-NI CBC the Signal hot path uses, against NIST vectors and .NET's OpenSSL-backed AES.</summary>
public class AesNiCbcTests
{
    [Fact]
    public void Aes256Cbc_matches_nist_sp800_38a_f25()
    {
        Assert.SkipUnless(AesNiCbc.IsSupported, "This processor has no AES-NI; AesCbcCipher uses OpenSSL.");
        // NIST SP 800-38A F.2.5 CBC-AES256.Encrypt: four blocks; PKCS#7 adds a fifth (16 × 0x10).
        var key = Convert.FromHexString("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        var iv = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
        var plaintext = Convert.FromHexString(
            "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
        var expected = Convert.FromHexString(
            "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b");

        var ciphertext = AesNiCbc.Encrypt(key, iv, plaintext);

        Assert.Equal(expected, ciphertext[..64]);
        Assert.Equal(80, ciphertext.Length);
        Assert.Equal(plaintext, AesNiCbc.Decrypt(key, iv, ciphertext));
    }

    [Fact]
    public void Aes256Cbc_equals_dotnet_both_ways_and_rejects_bad_padding()
    {
        Assert.SkipUnless(AesNiCbc.IsSupported, "This processor has no AES-NI; AesCbcCipher uses OpenSSL.");
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[16], Gen.Byte.Array[0, 200]).Sample((key, iv, plaintext) =>
        {
            using var aes = Aes.Create();
            aes.Key = key;
            var reference = aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);
            Assert.Equal(reference, AesNiCbc.Encrypt(key, iv, plaintext));
            Assert.Equal(plaintext, AesNiCbc.Decrypt(key, iv, reference));

            // Arbitrary last blocks (zero-filled, unpadded): ours accepts exactly what .NET accepts.
            var unpadded = new byte[Math.Max(16, (plaintext.Length + 15) / 16 * 16)];
            plaintext.CopyTo(unpadded, 0);
            var arbitrary = aes.EncryptCbc(unpadded, iv, PaddingMode.None);
            if (TryDotnetDecrypt(aes, iv, arbitrary, out var accepted))
            {
                Assert.Equal(accepted, AesNiCbc.Decrypt(key, iv, arbitrary));
            }
            else
            {
                Assert.ThrowsAny<CryptographicException>(() => AesNiCbc.Decrypt(key, iv, arbitrary));
            }
        });
    }

    [Fact]
    public void Aes256Cbc_rejects_partial_blocks()
    {
        Assert.SkipUnless(AesNiCbc.IsSupported, "This processor has no AES-NI; AesCbcCipher uses OpenSSL.");
        Assert.ThrowsAny<CryptographicException>(() => AesNiCbc.Decrypt(new byte[32], new byte[16], new byte[17]));
        Assert.ThrowsAny<CryptographicException>(() => AesNiCbc.Decrypt(new byte[32], new byte[16], []));
    }

    private static bool TryDotnetDecrypt(Aes aes, byte[] iv, byte[] ciphertext, out byte[] plaintext)
    {
        try
        {
            plaintext = aes.DecryptCbc(ciphertext, iv, PaddingMode.PKCS7);
            return true;
        }
        catch (CryptographicException)
        {
            plaintext = [];
            return false;
        }
    }
}
