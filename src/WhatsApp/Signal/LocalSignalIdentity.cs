using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Store;

namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// Our side of every session: identity key pair, registration id and the signed prekeys a peer's
/// pkmsg may name (the current one; keep a rotated-out one here until its sessions are answered).
/// </summary>
public sealed class LocalSignalIdentity
{
    private readonly Dictionary<uint, Curve25519KeyPair> _signedPreKeys;

    public LocalSignalIdentity(Curve25519KeyPair identityKey, uint registrationId, IReadOnlyDictionary<uint, Curve25519KeyPair> signedPreKeys)
    {
        ArgumentNullException.ThrowIfNull(identityKey);
        ArgumentNullException.ThrowIfNull(signedPreKeys);
        IdentityKey = identityKey;
        RegistrationId = registrationId;
        _signedPreKeys = new Dictionary<uint, Curve25519KeyPair>(signedPreKeys);
    }

    public Curve25519KeyPair IdentityKey { get; }

    public uint RegistrationId { get; }

    /// <summary>The identity and current signed prekey of a device's stored credentials.</summary>
    public static LocalSignalIdentity FromCredentials(DeviceCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return new LocalSignalIdentity(
            credentials.IdentityKey.ToKeyPair(),
            credentials.RegistrationId,
            new Dictionary<uint, Curve25519KeyPair> { [credentials.SignedPreKey.Id] = credentials.SignedPreKey.KeyPair.ToKeyPair() });
    }

    public Curve25519KeyPair? FindSignedPreKey(uint id) => _signedPreKeys.GetValueOrDefault(id);

    public override string ToString() => $"LocalSignalIdentity(identity {IdentityKey.PublicKey}, registration {RegistrationId})";
}
