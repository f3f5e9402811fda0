using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Store;

/// <summary>
/// A one-time prekey. <see cref="Uploaded"/> turns true once the server acknowledged the upload; a key
/// is removed only after the session that consumed it is stored (pitfall P11).
/// </summary>
public sealed record PreKeyRecord(uint Id, KeyPairRecord KeyPair, bool Uploaded)
{
    /// <summary>Largest id the 3-byte wire form can carry.</summary>
    public const uint MaxId = 0xFF_FFFF;

    /// <summary>A fresh key pair under <paramref name="id"/>; stores use this so every implementation generates alike.</summary>
    public static PreKeyRecord Generate(uint id)
    {
        ArgumentOutOfRangeException.ThrowIfZero(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(id, MaxId);
        return new PreKeyRecord(id, KeyPairRecord.From(Curve25519KeyPair.Generate()), Uploaded: false);
    }
}
