using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>HMAC helpers.</summary>
public static class MessageAuthentication
{
    public static byte[] HmacSha256(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => HMACSHA256.HashData(key, data);

    public static byte[] HmacSha512(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => HMACSHA512.HashData(key, data);

    /// <summary>Constant-time comparison, so that MAC checks leak no timing about the expected value.</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        CryptographicOperations.FixedTimeEquals(left, right);
}
