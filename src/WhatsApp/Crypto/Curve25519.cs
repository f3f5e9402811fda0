using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>X25519 scalar operations (RFC 7748) over libsodium (see <see cref="SodiumNative"/> for why native).</summary>
public static class Curve25519
{
    public const int KeyLength = 32;

    /// <summary>Clamps a private scalar in place: clear bits 0–2 and 255, set bit 254.</summary>
    public static void Clamp(Span<byte> privateKey)
    {
        if (privateKey.Length != KeyLength)
        {
            throw new ArgumentException($"A Curve25519 private key is 32 bytes; got {privateKey.Length}.", nameof(privateKey));
        }
        privateKey[0] &= 0xF8;
        privateKey[31] &= 0x7F;
        privateKey[31] |= 0x40;
    }

    /// <summary>The raw 32-byte public key X25519(priv, 9).</summary>
    public static byte[] PublicKeyFromPrivate(ReadOnlySpan<byte> privateKey)
    {
        CheckLength(privateKey, nameof(privateKey));
        var publicKey = new byte[KeyLength];
        SodiumNative.X25519Base(publicKey, privateKey);
        return publicKey;
    }

    /// <summary>
    /// X25519(priv, theirs). Throws for an all-zero result, which only a low-order public key
    /// produces: accepting it would let a peer force a known shared secret.
    /// </summary>
    public static byte[] Agree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> theirPublicKey)
    {
        CheckLength(privateKey, nameof(privateKey));
        if (theirPublicKey.Length == Curve25519PublicKey.SignalLength && theirPublicKey[0] == Curve25519PublicKey.DjbType)
        {
            theirPublicKey = theirPublicKey[1..];
        }
        CheckLength(theirPublicKey, nameof(theirPublicKey));
        var shared = new byte[KeyLength];
        if (!SodiumNative.X25519(shared, privateKey, theirPublicKey))
        {
            throw new CryptographicException("X25519 agreement with a low-order public key (the secret would be all zeros).");
        }
        return shared;
    }

    private static void CheckLength(ReadOnlySpan<byte> key, string name)
    {
        if (key.Length != KeyLength)
        {
            throw new ArgumentException($"Expected a 32-byte Curve25519 key; got {key.Length} bytes.", name);
        }
    }
}
