using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>
/// AES-256-CBC with PKCS#7 padding (Signal messages, media, app state): on AES-NI where the
/// processor has it (<see cref="AesNiCbc"/>), else through OpenSSL.
/// </summary>
public static class AesCbcCipher
{
    public const int KeyLength = 32;
    public const int IvLength = 16;

    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext)
    {
        if (AesNiCbc.IsSupported)
        {
            CheckIv(iv);
            return AesNiCbc.Encrypt(key, iv, plaintext);
        }
        using var aes = CreateAes(key, iv);
        return aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);
    }

    /// <summary>Throws <see cref="CryptographicException"/> on bad length or padding.</summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext)
    {
        if (AesNiCbc.IsSupported)
        {
            CheckIv(iv);
            return AesNiCbc.Decrypt(key, iv, ciphertext);
        }
        using var aes = CreateAes(key, iv);
        return aes.DecryptCbc(ciphertext, iv, PaddingMode.PKCS7);
    }

    internal static Aes CreateAes(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (key.Length != KeyLength)
        {
            throw new ArgumentException($"AES-256 needs a 32-byte key; got {key.Length} bytes.", nameof(key));
        }
        CheckIv(iv);
        var aes = Aes.Create();
        aes.Key = key.ToArray();
        return aes;
    }

    private static void CheckIv(ReadOnlySpan<byte> iv)
    {
        if (iv.Length != IvLength)
        {
            throw new ArgumentException($"AES-CBC needs a 16-byte IV; got {iv.Length} bytes.", nameof(iv));
        }
    }
}
