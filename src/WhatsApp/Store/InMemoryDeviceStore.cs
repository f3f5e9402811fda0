using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Signal;

using CodeChat.WhatsApp.Signal.Groups;

namespace CodeChat.WhatsApp.Store;

/// <summary>
/// A process-local <see cref="IDeviceStore"/> for tests and throw-away sessions: nothing survives the
/// process. Thread-safe. Prekey ids keep counting after <see cref="WipeAsync"/>; that is harmless
/// because a wiped device registers with a new identity.
/// </summary>
public sealed class InMemoryDeviceStore : IDeviceStore, ISignalSessionStore, ISenderKeyStore
{
    private readonly InMemorySenderKeyStore _senderKeys = new();
    private readonly Lock _gate = new();
    private readonly SortedDictionary<uint, PreKeyRecord> _preKeys = [];
    private readonly Dictionary<Jid, byte[]> _identities = [];
    private readonly Dictionary<Jid, Jid> _lidByPhoneNumber = [];
    private readonly Dictionary<Jid, Jid> _phoneNumberByLid = [];
    private readonly Dictionary<SignalAddress, byte[]> _sessions = [];
    private readonly Dictionary<Jid, PrivacyTokenRecord> _privacyTokens = [];
    private DeviceCredentials? _credentials;
    private uint _lastIssuedPreKeyId;

    /// <summary>How many times credentials were saved; lets tests check write-before-use ordering.</summary>
    public int CredentialSaveCount { get; private set; }

    public ValueTask<DeviceCredentials?> LoadCredentialsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_credentials);
        }
    }

    public ValueTask SaveCredentialsAsync(DeviceCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _credentials = credentials;
            CredentialSaveCount++;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<PreKeyRecord>> GetOrGeneratePreKeysAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var result = _preKeys.Values.Where(key => !key.Uploaded).Take(count).ToList();
            while (result.Count < count)
            {
                var id = checked(_lastIssuedPreKeyId + 1);
                var key = PreKeyRecord.Generate(id);
                _lastIssuedPreKeyId = id;
                _preKeys[id] = key;
                result.Add(key);
            }
            return ValueTask.FromResult<IReadOnlyList<PreKeyRecord>>(result);
        }
    }

    public ValueTask MarkPreKeysUploadedAsync(uint lastId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (var key in _preKeys.Values.Where(key => key.Id <= lastId && !key.Uploaded).ToList())
            {
                _preKeys[key.Id] = key with { Uploaded = true };
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<PreKeyRecord?> GetPreKeyAsync(uint id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_preKeys.GetValueOrDefault(id));
        }
    }

    public ValueTask RemovePreKeyAsync(uint id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _preKeys.Remove(id);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<int> CountUploadedPreKeysAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_preKeys.Values.Count(key => key.Uploaded));
        }
    }

    public ValueTask SaveIdentityAsync(Jid device, byte[] identityKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identityKey);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _identities[device] = identityKey.ToArray();
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<byte[]?> GetIdentityAsync(Jid device, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_identities.TryGetValue(device, out var key) ? key.ToArray() : null);
        }
    }

    public ValueTask SaveLidMappingAsync(Jid lid, Jid phoneNumber, CancellationToken cancellationToken = default)
    {
        if (!lid.IsLid)
        {
            throw new ArgumentException($"'{lid}' is not a LID.", nameof(lid));
        }
        if (!phoneNumber.IsUserPn)
        {
            throw new ArgumentException($"'{phoneNumber}' is not a phone-number JID.", nameof(phoneNumber));
        }
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var lidUser = lid.ToNonAd();
            var phoneUser = phoneNumber.ToNonAd();
            _lidByPhoneNumber[phoneUser] = lidUser;
            _phoneNumberByLid[lidUser] = phoneUser;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<Jid?> GetLidForPhoneNumberAsync(Jid phoneNumber, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult<Jid?>(_lidByPhoneNumber.TryGetValue(phoneNumber.ToNonAd(), out var lid) ? lid : null);
        }
    }

    public ValueTask<Jid?> GetPhoneNumberForLidAsync(Jid lid, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult<Jid?>(_phoneNumberByLid.TryGetValue(lid.ToNonAd(), out var phoneNumber) ? phoneNumber : null);
        }
    }

    public ValueTask<PrivacyTokenRecord?> GetPrivacyTokenAsync(Jid contact, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_privacyTokens.GetValueOrDefault(contact.ToNonAd()));
        }
    }

    public ValueTask SaveReceivedPrivacyTokenAsync(Jid contact, byte[] token, DateTimeOffset timestamp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var key = contact.ToNonAd();
            var existing = _privacyTokens.GetValueOrDefault(key);
            if (existing?.TokenTimestamp is not { } stored || stored <= timestamp)
            {
                _privacyTokens[key] = new PrivacyTokenRecord(token.ToArray(), timestamp, existing?.IssuedToContactAt);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask SaveIssuedPrivacyTokenAsync(Jid contact, DateTimeOffset issuedAt, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var key = contact.ToNonAd();
            var existing = _privacyTokens.GetValueOrDefault(key);
            _privacyTokens[key] = new PrivacyTokenRecord(existing?.Token, existing?.TokenTimestamp, issuedAt);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>How many times session records were stored (one per batch); lets tests check batching.</summary>
    public int SessionBatchCount { get; private set; }

    public ValueTask<byte[]?> LoadSessionAsync(SignalAddress address, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_sessions.TryGetValue(address, out var record) ? record.ToArray() : null);
        }
    }

    public ValueTask<IReadOnlyDictionary<SignalAddress, byte[]>> LoadSessionsAsync(IReadOnlyCollection<SignalAddress> addresses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var found = new Dictionary<SignalAddress, byte[]>();
            foreach (var address in addresses)
            {
                if (_sessions.TryGetValue(address, out var record))
                {
                    found[address] = record.ToArray();
                }
            }
            return ValueTask.FromResult<IReadOnlyDictionary<SignalAddress, byte[]>>(found);
        }
    }

    public ValueTask StoreSessionsAsync(IReadOnlyCollection<KeyValuePair<SignalAddress, byte[]>> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (var (address, record) in records)
            {
                _sessions[address] = record.ToArray();
            }
            SessionBatchCount++;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteSessionAsync(SignalAddress address, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _sessions.Remove(address);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<SignalAddress>> ListSessionsAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<SignalAddress>>(
                _sessions.Keys.Where(a => a.Name == name).OrderBy(a => a.DeviceId).ToList());
        }
    }

    public ValueTask MoveSessionsAsync(IReadOnlyCollection<KeyValuePair<SignalAddress, SignalAddress>> moves, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(moves);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (var (source, target) in moves)
            {
                if (_sessions.Remove(source, out var record))
                {
                    _sessions.TryAdd(target, record);
                }
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask WipeAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _credentials = null;
            _preKeys.Clear();
            _identities.Clear();
            _lidByPhoneNumber.Clear();
            _phoneNumberByLid.Clear();
            _sessions.Clear();
            _privacyTokens.Clear();
        }
        _senderKeys.Clear();
        return ValueTask.CompletedTask;
    }

    public ValueTask<SenderKeyRecord?> LoadSenderKeyAsync(SenderKeyName name, CancellationToken cancellationToken = default) =>
        _senderKeys.LoadSenderKeyAsync(name, cancellationToken);

    public ValueTask StoreSenderKeyAsync(SenderKeyName name, SenderKeyRecord record, CancellationToken cancellationToken = default) =>
        _senderKeys.StoreSenderKeyAsync(name, record, cancellationToken);

    public ValueTask RemoveSenderKeyAsync(SenderKeyName name, CancellationToken cancellationToken = default) =>
        _senderKeys.RemoveSenderKeyAsync(name, cancellationToken);
}
