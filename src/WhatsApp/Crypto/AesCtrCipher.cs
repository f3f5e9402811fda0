using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>
/// AES-256-CTR with a full 128-bit big-endian counter starting at the IV (Go cipher.NewCTR,
/// Node aes-256-ctr), used by phone-number pairing (whatsapp-protocol.md §4.4). .NET has no CTR
/// mode, so the keystream is AES-ECB over successive counter blocks.
/// </summary>
public static class AesCtrCipher
{
    public const int KeyLength = 32;
    public const int IvLength = 16;

    private const int BlockLength = 16;
    private const int BlocksPerBatch = 256;

    /// <summary>Encrypts or decrypts (the operation is its own inverse).</summary>
    public static byte[] Transform(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input)
    {
        if (key.Length != KeyLength)
        {
            throw new ArgumentException($"AES-256 needs a 32-byte key; got {key.Length} bytes.", nameof(key));
        }
        if (iv.Length != IvLength)
        {
            throw new ArgumentException($"AES-CTR needs a 16-byte IV; got {iv.Length} bytes.", nameof(iv));
        }

        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        var output = new byte[input.Length];
        var counterHigh = BinaryPrimitives.ReadUInt64BigEndian(iv);
        var counterLow = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
        var counterBlocks = new byte[BlocksPerBatch * BlockLength];
        var keystream = new byte[counterBlocks.Length];
        try
        {
            for (var offset = 0; offset < input.Length; offset += counterBlocks.Length)
            {
                var chunkLength = Math.Min(counterBlocks.Length, input.Length - offset);
                var blocks = (chunkLength + BlockLength - 1) / BlockLength;
                for (var block = 0; block < blocks; block++)
                {
                    var counter = counterBlocks.AsSpan(block * BlockLength, BlockLength);
                    BinaryPrimitives.WriteUInt64BigEndian(counter, counterHigh);
                    BinaryPrimitives.WriteUInt64BigEndian(counter[8..], counterLow);
                    counterLow++;
                    if (counterLow == 0)
                    {
                        counterHigh++;
                    }
                }
                var blockBytes = blocks * BlockLength;
                aes.EncryptEcb(counterBlocks.AsSpan(0, blockBytes), keystream.AsSpan(0, blockBytes), PaddingMode.None);
                for (var i = 0; i < chunkLength; i++)
                {
                    output[offset + i] = (byte)(input[offset + i] ^ keystream[i]);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keystream);
        }
        return output;
    }
}
