namespace CodeChat.WaEmulator.Model;

/// <summary>
/// The Signal key material the server keeps for one device, exactly what a prekey bundle is built from
/// (whatsapp-protocol.md §6.10 step 5). One-time prekeys are consumed when a bundle is served.
/// </summary>
public sealed class DeviceKeys
{
    private readonly Queue<OneTimePreKeyRecord> _oneTimePreKeys = new();
    private readonly object _gate = new();
    private bool _lowCountAnnounced;

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

            // an upload answers the last low-count notice; the next drop below the threshold gets a new one
            _lowCountAnnounced = false;
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

    /// <summary>
    /// True exactly once per drop below <paramref name="threshold"/> (re-armed by the next upload), so a
    /// device that is being drained gets one low-count notice instead of one per fetched bundle.
    /// </summary>
    public bool TryClaimLowCountNotice(int threshold, out int remaining)
    {
        lock (_gate)
        {
            remaining = _oneTimePreKeys.Count;
            if (remaining >= threshold || _lowCountAnnounced)
            {
                return false;
            }

            _lowCountAnnounced = true;
            return true;
        }
    }
}
