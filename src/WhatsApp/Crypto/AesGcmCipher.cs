using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>
/// AES-256-GCM in WhatsApp's wire layout: ciphertext followed by the 16-byte tag
/// (Noise, pairing-code key bundle, media retry).
/// </summary>
public static class AesGcmCipher
{
    public const int KeyLength = 32;
    public const int NonceLength = 12;
    public const int TagLength = 16;

    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData = default)
    {
        var output = new byte[plaintext.Length + TagLength];
        Encrypt(key, nonce, plaintext, associatedData, output);
        return output;
    }

    /// <summary>Writes ciphertext‖tag into <paramref name="destination"/> (plaintext length + 16 bytes).</summary>
    public static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        CheckKey(key);
        if (destination.Length != plaintext.Length + TagLength)
        {
            throw new ArgumentException("The destination must hold the ciphertext and the 16-byte tag.", nameof(destination));
        }
        using var gcm = new AesGcm(key, TagLength);
        gcm.Encrypt(nonce, plaintext, destination[..plaintext.Length], destination[plaintext.Length..], associatedData);
    }

    /// <summary>Opens ciphertext‖tag; throws <see cref="AuthenticationTagMismatchException"/> when forged or corrupted.</summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, ReadOnlySpan<byte> associatedData = default)
    {
        CheckKey(key);
        if (ciphertextAndTag.Length < TagLength)
        {
            throw new AuthenticationTagMismatchException("The AES-GCM message is shorter than its tag.");
        }
        var plaintextLength = ciphertextAndTag.Length - TagLength;
        var plaintext = new byte[plaintextLength];
        using var gcm = new AesGcm(key, TagLength);
        gcm.Decrypt(nonce, ciphertextAndTag[..plaintextLength], ciphertextAndTag[plaintextLength..], plaintext, associatedData);
        return plaintext;
    }

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyLength)
        {
            throw new ArgumentException($"AES-256 needs a 32-byte key; got {key.Length} bytes.", nameof(key));
        }
    }
}
