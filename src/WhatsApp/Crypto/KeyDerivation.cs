using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>Key-derivation functions used across the protocol (whatsapp-protocol.md §13.3).</summary>
public static class KeyDerivation
{
    /// <summary>
    /// HKDF-SHA256 (RFC 5869). An empty salt means "no salt" (HashLen zero bytes); an empty
    /// <paramref name="inputKeyMaterial"/> is allowed (Noise Split uses it).
    /// </summary>
    public static byte[] HkdfSha256(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var output = new byte[length];
        if (!inputKeyMaterial.IsEmpty)
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKeyMaterial, output, salt, info);
            return output;
        }
        // The OpenSSL backend rejects an empty IKM, so extract by hand: PRK = HMAC(salt, ∅),
        // with an absent salt meaning 32 zero bytes (RFC 5869 §2.2).
        Span<byte> pseudoRandomKey = stackalloc byte[32];
        HMACSHA256.HashData(salt.IsEmpty ? stackalloc byte[32] : salt, ReadOnlySpan<byte>.Empty, pseudoRandomKey);
        HKDF.Expand(HashAlgorithmName.SHA256, pseudoRandomKey, output, info);
        CryptographicOperations.ZeroMemory(pseudoRandomKey);
        return output;
    }

    /// <summary>HKDF-SHA256 with an ASCII/UTF-8 info string, as WhatsApp's KDF labels are.</summary>
    public static byte[] HkdfSha256(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt, string info, int length) =>
        HkdfSha256(inputKeyMaterial, salt, System.Text.Encoding.UTF8.GetBytes(info), length);

    /// <summary>PBKDF2-HMAC-SHA256.</summary>
    public static byte[] Pbkdf2Sha256(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        return Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, length);
    }
}
