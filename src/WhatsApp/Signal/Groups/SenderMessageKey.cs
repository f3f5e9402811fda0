using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Signal.Groups;

/// <summary>
/// The AES-256-CBC key and IV of one sender-key message (whatsapp-protocol.md §6.7):
/// <c>d = DeriveSecrets(seed, 32×00, "WhisperGroup", 2)</c>, <c>iv = d[0][0:16]</c>,
/// <c>cipherKey = d[0][16:32] ‖ d[1][0:16]</c> (Baileys <c>SenderMessageKey</c>, libsignal
/// <c>SenderMessageKey</c>). The two halves are adjacent, so the key is bytes 16..48 of d.
/// </summary>
public sealed class SenderMessageKey
{
    private const int IvLength = 16;
    private const int CipherKeyLength = 32;

    private readonly byte[] _material;

    public SenderMessageKey(uint iteration, ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SignalKdf.KeyLength)
        {
            throw new ArgumentException($"A sender message key seed is 32 bytes; got {seed.Length}.", nameof(seed));
        }
        Iteration = iteration;
        Seed = seed.ToArray();
        Span<byte> zeroSalt = stackalloc byte[SignalKdf.KeyLength];
        zeroSalt.Clear();
        _material = SignalKdf.DeriveSecrets(seed, zeroSalt, WhisperGroup, 2);
    }

    private static ReadOnlySpan<byte> WhisperGroup => "WhisperGroup"u8;

    public uint Iteration { get; }

    /// <summary>HMAC(chainKey, 0x01) of the chain step this key belongs to; what a record keeps for skipped keys.</summary>
    public byte[] Seed { get; }

    public ReadOnlySpan<byte> Iv => _material.AsSpan(0, IvLength);

    public ReadOnlySpan<byte> CipherKey => _material.AsSpan(IvLength, CipherKeyLength);

    /// <summary>Wipes the derived key material once the message is done.</summary>
    internal void Clear()
    {
        CryptographicOperations.ZeroMemory(_material);
        CryptographicOperations.ZeroMemory(Seed);
    }
}
