namespace CodeChat.WaEmulator.Model;

/// <summary>
/// The Signal key material the server keeps for one device, exactly what a prekey bundle is built from
/// (whatsapp-protocol.md §6.10 step 5). One-time prekeys are consumed when a bundle is served.
/// </summary>
public sealed class DeviceKeys
{
    private readonly Queue<OneTimePreKeyRecord> _oneTimePreKeys = new();
    private readonly object _gate = new();

    public DeviceKeys(byte[] registrationId, byte[] identityPublicKey, SignedPreKeyRecord signedPreKey)
    {
        RegistrationId = registrationId;
        IdentityPublicKey = identityPublicKey;
        SignedPreKey = signedPreKey;
    }

    /// <summary>4 bytes big-endian, as on the wire.</summary>
    public byte[] RegistrationId { get; private set; }

    public byte[] IdentityPublicKey { get; private set; }

    public SignedPreKeyRecord SignedPreKey { get; private set; }

    public int OneTimePreKeyCount
    {
        get
        {
            lock (_gate)
            {
                return _oneTimePreKeys.Count;
            }
        }
    }

    public void Update(byte[] registrationId, byte[] identityPublicKey, SignedPreKeyRecord? signedPreKey)
    {
        lock (_gate)
        {
            RegistrationId = registrationId;
            IdentityPublicKey = identityPublicKey;
            if (signedPreKey is not null)
            {
                SignedPreKey = signedPreKey;
            }
        }
    }

    public void ReplaceSignedPreKey(SignedPreKeyRecord signedPreKey)
    {
        lock (_gate)
        {
            SignedPreKey = signedPreKey;
        }
    }

    public void AddOneTimePreKeys(IEnumerable<OneTimePreKeyRecord> keys)
    {
        lock (_gate)
        {
            foreach (var key in keys)
            {
                _oneTimePreKeys.Enqueue(key);
            }
        }
    }

    /// <summary>Hands out (and forgets) the next one-time prekey, or null when none is left.</summary>
    public OneTimePreKeyRecord? TakeOneTimePreKey()
    {
        lock (_gate)
        {
            return _oneTimePreKeys.TryDequeue(out var key) ? key : null;
        }
    }
}
