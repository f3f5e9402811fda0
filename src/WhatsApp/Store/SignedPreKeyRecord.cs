using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Store;

/// <summary>
/// The signed prekey: id (3 bytes on the wire), key pair, and the identity key's XEdDSA signature
/// over the 33-byte Signal form <c>05 || public key</c> (whatsapp-protocol.md §4.1, pitfall P14).
/// </summary>
public sealed record SignedPreKeyRecord(uint Id, KeyPairRecord KeyPair, byte[] Signature)
{
    /// <summary>Largest id the 3-byte wire form can carry.</summary>
    public const uint MaxId = 0xFF_FFFF;

    public static SignedPreKeyRecord Generate(Curve25519KeyPair identityKey, uint id)
    {
        ArgumentNullException.ThrowIfNull(identityKey);
        ArgumentOutOfRangeException.ThrowIfZero(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(id, MaxId);
        var keyPair = Curve25519KeyPair.Generate();
        var signature = identityKey.Sign(keyPair.PublicKey.Signal33.Span);
        return new SignedPreKeyRecord(id, KeyPairRecord.From(keyPair), signature);
    }

    /// <summary>True when <paramref name="identityKey"/> signed this prekey.</summary>
    public bool IsSignedBy(Curve25519PublicKey identityKey) =>
        identityKey.Verify(KeyPair.ToPublicKey().Signal33.Span, Signature);
}
