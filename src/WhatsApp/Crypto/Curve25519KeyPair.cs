using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>
/// A Curve25519 key pair with a clamped private scalar. Clamping on import matters because some
/// stores (libsignal-node) keep unclamped private keys, and an unclamped scalar produces XEdDSA
/// signatures WhatsApp rejects (whatsapp-protocol.md §13.1, pitfall P13).
/// </summary>
public sealed class Curve25519KeyPair
{
    private readonly byte[] _privateKey;

    private Curve25519KeyPair(byte[] clampedPrivateKey)
    {
        _privateKey = clampedPrivateKey;
        PublicKey = Curve25519PublicKey.FromBytes(Curve25519.PublicKeyFromPrivate(clampedPrivateKey));
    }

    public Curve25519PublicKey PublicKey { get; }

    /// <summary>The clamped 32-byte private key, for persistence. Never log it.</summary>
    public ReadOnlyMemory<byte> PrivateKey => _privateKey;

    /// <summary>Creates a key pair from 32 random bytes.</summary>
    public static Curve25519KeyPair Generate()
    {
        var privateKey = RandomNumberGenerator.GetBytes(Curve25519.KeyLength);
        Curve25519.Clamp(privateKey);
        return new Curve25519KeyPair(privateKey);
    }

    /// <summary>Imports a private key, clamping a copy of it.</summary>
    public static Curve25519KeyPair FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != Curve25519.KeyLength)
        {
            throw new ArgumentException($"A Curve25519 private key is 32 bytes; got {privateKey.Length}.", nameof(privateKey));
        }
        var copy = privateKey.ToArray();
        Curve25519.Clamp(copy);
        return new Curve25519KeyPair(copy);
    }

    /// <summary>X25519 shared secret with <paramref name="theirPublicKey"/>; rejects low-order points.</summary>
    public byte[] Agree(Curve25519PublicKey theirPublicKey) =>
        Curve25519.Agree(_privateKey, theirPublicKey.Raw32.Span);

    /// <summary>Randomized XEdDSA signature (the production default).</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => XEdDsa.Sign(_privateKey, message);

    /// <summary>Deterministic curve25519-js style signature (reproducible, used by test vectors).</summary>
    public byte[] SignDeterministic(ReadOnlySpan<byte> message) => XEdDsa.SignDeterministic(_privateKey, message);

    /// <summary>Shows the public key only, so that logging a key pair never leaks the secret.</summary>
    public override string ToString() => $"Curve25519KeyPair(public {PublicKey})";
}
