using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Pairing;

/// <summary>
/// The key bundle of the companion_finish stage and the adv secret both sides derive from it
/// (whatsapp-protocol.md §4.4 steps 7–10). The companion seals; opening is the phone's part and
/// lives with the emulator (tests/CodeChat.WhatsApp.ServerSide, <c>PrimaryPairingCode</c>).
/// </summary>
public static class PairingCodeKeyBundle
{
    public const string BundleKeyInfo = "link_code_pairing_key_bundle_encryption_key";
    public const string AdvSecretInfo = "adv_secret";
    public const int SaltLength = 32;
    public const int AdvRandomLength = 32;
    public const int PlaintextLength = 3 * Curve25519.KeyLength;
    public const int WrappedLength = SaltLength + AesGcmCipher.NonceLength + PlaintextLength + AesGcmCipher.TagLength;

    /// <summary>HKDF-SHA256(ephemeral shared secret, salt, "link_code_pairing_key_bundle_encryption_key", 32).</summary>
    public static byte[] DeriveBundleKey(ReadOnlySpan<byte> ephemeralSharedSecret, ReadOnlySpan<byte> salt) =>
        KeyDerivation.HkdfSha256(ephemeralSharedSecret, salt, BundleKeyInfo, AesGcmCipher.KeyLength);

    /// <summary>HKDF-SHA256(ephShared ‖ idShared ‖ advRandom, no salt, "adv_secret", 32).</summary>
    public static byte[] DeriveAdvSecret(ReadOnlySpan<byte> ephemeralSharedSecret, ReadOnlySpan<byte> identitySharedSecret, ReadOnlySpan<byte> advRandom)
    {
        byte[] material = [.. ephemeralSharedSecret, .. identitySharedSecret, .. advRandom];
        try
        {
            return KeyDerivation.HkdfSha256(material, ReadOnlySpan<byte>.Empty, AdvSecretInfo, 32);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    /// <summary>salt ‖ nonce ‖ AES-GCM(bundleKey, nonce, companionIdentity ‖ primaryIdentity ‖ advRandom).</summary>
    public static byte[] Seal(
        ReadOnlySpan<byte> ephemeralSharedSecret,
        Curve25519PublicKey companionIdentity,
        Curve25519PublicKey primaryIdentity,
        ReadOnlySpan<byte> advRandom,
        ReadOnlySpan<byte> salt,
        ReadOnlySpan<byte> nonce)
    {
        ArgumentNullException.ThrowIfNull(companionIdentity);
        ArgumentNullException.ThrowIfNull(primaryIdentity);
        if (advRandom.Length != AdvRandomLength || salt.Length != SaltLength || nonce.Length != AesGcmCipher.NonceLength)
        {
            throw new ArgumentException("The key bundle needs a 32-byte adv random, a 32-byte salt and a 12-byte nonce.");
        }
        var key = DeriveBundleKey(ephemeralSharedSecret, salt);
        byte[] plaintext = [.. companionIdentity.Raw32.Span, .. primaryIdentity.Raw32.Span, .. advRandom];
        try
        {
            return [.. salt, .. nonce, .. AesGcmCipher.Encrypt(key, nonce, plaintext)];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
