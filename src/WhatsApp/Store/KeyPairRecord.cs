using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Store;

/// <summary>
/// A persisted Curve25519 key pair: raw 32-byte public key and clamped 32-byte private key.
/// Plain byte arrays so any store (PostgreSQL columns, JSON) can hold it without knowing key types.
/// </summary>
public sealed record KeyPairRecord(byte[] PublicKey, byte[] PrivateKey)
{
    public static KeyPairRecord From(Curve25519KeyPair keyPair)
    {
        ArgumentNullException.ThrowIfNull(keyPair);
        return new KeyPairRecord(keyPair.PublicKey.Raw32.ToArray(), keyPair.PrivateKey.ToArray());
    }

    public static KeyPairRecord Generate() => From(Curve25519KeyPair.Generate());

    /// <summary>The usable key pair; the public key is recomputed from the private key.</summary>
    public Curve25519KeyPair ToKeyPair() => Curve25519KeyPair.FromPrivateKey(PrivateKey);

    public Curve25519PublicKey ToPublicKey() => Curve25519PublicKey.FromBytes(PublicKey);

    /// <summary>Never prints the private key.</summary>
    public override string ToString() => $"KeyPairRecord(public {Convert.ToHexStringLower(PublicKey)})";
}
