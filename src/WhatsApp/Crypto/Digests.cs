using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>Hash functions. MD5 is only for WhatsApp's client "buildHash", never for security.</summary>
public static class Digests
{
    public static byte[] Sha256(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    public static byte[] Sha512(ReadOnlySpan<byte> data) => SHA512.HashData(data);

    public static byte[] Md5(ReadOnlySpan<byte> data) => MD5.HashData(data);
}
