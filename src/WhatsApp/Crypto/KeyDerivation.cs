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
        HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKeyMaterial, output, salt, info);
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
