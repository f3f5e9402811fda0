using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>Media encryption for upload and decryption after download (whatsapp-protocol.md §8.2–§8.3).</summary>
public static class MediaCrypto
{
    public const int MacLength = 10;

    /// <summary>body = AES-CBC(cipherKey, iv, plaintext) ‖ HMAC-SHA256(macKey, iv ‖ enc)[0:10].</summary>
    public static EncryptedMedia Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> mediaKey, MediaType type)
    {
        var keys = MediaKeys.Expand(mediaKey, type);
        var encrypted = AesCbcCipher.Encrypt(keys.CipherKey.Span, keys.Iv.Span, plaintext);
        var body = new byte[encrypted.Length + MacLength];
        encrypted.CopyTo(body, 0);
        ComputeMac(keys, encrypted).AsSpan(0, MacLength).CopyTo(body.AsSpan(encrypted.Length));
        return new EncryptedMedia(body, SHA256.HashData(plaintext), SHA256.HashData(body), plaintext.Length);
    }

    /// <summary>
    /// Checks the optional encrypted-file hash, then the MAC, decrypts, then checks the optional
    /// plaintext hash. Checking the MAC before decrypting means no padding oracle is exposed.
    /// </summary>
    public static byte[] Decrypt(
        ReadOnlySpan<byte> body,
        ReadOnlySpan<byte> mediaKey,
        MediaType type,
        ReadOnlySpan<byte> expectedFileEncSha256 = default,
        ReadOnlySpan<byte> expectedFileSha256 = default)
    {
        if (body.Length < MacLength + AesCbcCipher.IvLength)
        {
            throw new MediaIntegrityException($"Encrypted media of {body.Length} bytes is too short.");
        }
        if (!expectedFileEncSha256.IsEmpty && !CryptographicOperations.FixedTimeEquals(SHA256.HashData(body), expectedFileEncSha256))
        {
            throw new MediaIntegrityException("The encrypted media does not match its fileEncSha256.");
        }

        var keys = MediaKeys.Expand(mediaKey, type);
        var encrypted = body[..^MacLength];
        var mac = ComputeMac(keys, encrypted);
        if (!CryptographicOperations.FixedTimeEquals(mac.AsSpan(0, MacLength), body[^MacLength..]))
        {
            throw new MediaIntegrityException($"Media MAC mismatch (wrong media key or type {type}?).");
        }

        byte[] plaintext;
        try
        {
            plaintext = AesCbcCipher.Decrypt(keys.CipherKey.Span, keys.Iv.Span, encrypted);
        }
        catch (CryptographicException exception)
        {
            throw new MediaIntegrityException("Media decryption failed after a valid MAC.", exception);
        }

        if (!expectedFileSha256.IsEmpty && !CryptographicOperations.FixedTimeEquals(SHA256.HashData(plaintext), expectedFileSha256))
        {
            throw new MediaIntegrityException("The decrypted media does not match its fileSha256.");
        }
        return plaintext;
    }

    private static byte[] ComputeMac(MediaKeys keys, ReadOnlySpan<byte> encrypted)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.MacKey.Span);
        hmac.AppendData(keys.Iv.Span);
        hmac.AppendData(encrypted);
        return hmac.GetHashAndReset();
    }
}
