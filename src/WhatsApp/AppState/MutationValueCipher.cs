using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.AppState;

/// <summary>
/// A mutation's value: <c>iv(16) || AES-256-CBC(value-encryption key, iv, SyncActionData)</c> (PKCS#7;
/// whatsapp-protocol.md §9.2, Baileys 7 crypto <c>aesEncrypt</c>/<c>aesDecrypt</c>). The record's value
/// blob is this followed by the 32-byte value MAC.
/// </summary>
public static class MutationValueCipher
{
    public static byte[] Encrypt(AppStateKeys keys, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> iv = stackalloc byte[AesCbcCipher.IvLength];
        RandomNumberGenerator.Fill(iv);
        return Encrypt(keys, plaintext, iv);
    }

    /// <summary>With a given <paramref name="iv"/> (tests); never reuse one.</summary>
    public static byte[] Encrypt(AppStateKeys keys, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> iv)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var ciphertext = AesCbcCipher.Encrypt(keys.ValueEncryption.Span, iv, plaintext);
        var result = new byte[iv.Length + ciphertext.Length];
        iv.CopyTo(result);
        ciphertext.CopyTo(result.AsSpan(iv.Length));
        return result;
    }

    /// <summary>Throws <see cref="CryptographicException"/> on a bad length or padding.</summary>
    public static byte[] Decrypt(AppStateKeys keys, ReadOnlySpan<byte> ivAndCiphertext)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (ivAndCiphertext.Length < AesCbcCipher.IvLength + 16)
            throw new CryptographicException("An app-state value is an IV and at least one AES block.");
        return AesCbcCipher.Decrypt(keys.ValueEncryption.Span, ivAndCiphertext[..AesCbcCipher.IvLength], ivAndCiphertext[AesCbcCipher.IvLength..]);
    }
}
