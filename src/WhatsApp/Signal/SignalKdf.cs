using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// The Signal key derivations (whatsapp-protocol.md §6.2; libsignal-node <c>src/crypto.js</c>
/// <c>deriveSecrets</c>, <c>session_cipher.js</c> <c>fillMessageKeys</c>).
/// </summary>
public static class SignalKdf
{
    public const int KeyLength = 32;

    private static readonly byte[] MessageKeySeedInput = [0x01];
    private static readonly byte[] NextChainKeyInput = [0x02];

    internal static ReadOnlySpan<byte> WhisperText => "WhisperText"u8;
    internal static ReadOnlySpan<byte> WhisperRatchet => "WhisperRatchet"u8;
    internal static ReadOnlySpan<byte> WhisperMessageKeys => "WhisperMessageKeys"u8;

    /// <summary>
    /// DeriveSecrets: HKDF-SHA256 of <paramref name="inputKeyMaterial"/> with a 32-byte salt,
    /// output split in 32-byte chunks (libsignal-node hand-rolls it; equal to RFC 5869 with L = 32n).
    /// </summary>
    public static byte[] DeriveSecrets(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, int chunks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunks, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunks, 3);
        if (salt.Length != KeyLength)
        {
            throw new ArgumentException($"The DeriveSecrets salt is 32 bytes; got {salt.Length}.", nameof(salt));
        }
        var output = new byte[chunks * KeyLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKeyMaterial, output, salt, info);
        return output;
    }

    /// <summary>The seed of the message key a chain key produces: HMAC(chainKey, 0x01).</summary>
    public static byte[] MessageKeySeed(ReadOnlySpan<byte> chainKey) => HMACSHA256.HashData(chainKey, MessageKeySeedInput);

    /// <summary>The chain key that follows: HMAC(chainKey, 0x02).</summary>
    public static byte[] NextChainKey(ReadOnlySpan<byte> chainKey) => HMACSHA256.HashData(chainKey, NextChainKeyInput);

    /// <summary>Cipher key, MAC key and IV of one message: DeriveSecrets(seed, 32×00, "WhisperMessageKeys", 3).</summary>
    public static MessageKeys DeriveMessageKeys(ReadOnlySpan<byte> messageKeySeed)
    {
        Span<byte> zeroSalt = stackalloc byte[KeyLength];
        zeroSalt.Clear();
        var material = DeriveSecrets(messageKeySeed, zeroSalt, WhisperMessageKeys, 3);
        return new MessageKeys(material);
    }

}
