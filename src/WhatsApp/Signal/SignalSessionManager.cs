using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Store;

namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// 1:1 Signal sessions of one instance over its stores: builds sessions from prekey bundles,
/// encrypts (one device or a fan-out, written in one transaction), decrypts pkmsg/msg, consumes
/// one-time prekeys, tracks peer identities and migrates PN sessions to LID. Every operation runs
/// alone (one at a time per manager, pitfall P17) and stores the records it changed before it
/// returns, so a result never leaves the process ahead of its ratchet state.
/// </summary>
public sealed class SignalSessionManager : IDisposable
{
    private readonly LocalSignalIdentity _ours;
    private readonly ISignalSessionStore _sessions;
    private readonly IIdentityKeyStore _identities;
    private readonly IPreKeyStore _preKeys;
    private readonly SemaphoreSlim _turn = new(1, 1);

    public SignalSessionManager(LocalSignalIdentity ours, ISignalSessionStore sessions, IIdentityKeyStore identities, IPreKeyStore preKeys)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(identities);
        ArgumentNullException.ThrowIfNull(preKeys);
        _ours = ours;
        _sessions = sessions;
        _identities = identities;
        _preKeys = preKeys;
    }

    /// <summary>True when <paramref name="address"/> has a session we can encrypt with.</summary>
    public async Task<bool> HasSessionAsync(SignalAddress address, CancellationToken cancellationToken = default)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (await LoadRecordAsync(address, cancellationToken).ConfigureAwait(false))?.CurrentState is not null;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Of <paramref name="addresses"/>, the ones without a session (the bundles to fetch).</summary>
    public async Task<IReadOnlyList<SignalAddress>> FindMissingSessionsAsync(IReadOnlyCollection<SignalAddress> addresses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = await _sessions.LoadSessionsAsync(addresses, cancellationToken).ConfigureAwait(false);
            return addresses.Where(a => !stored.TryGetValue(a, out var bytes) || SessionRecord.Deserialize(bytes).CurrentState is null).ToList();
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>
    /// Builds a new session with <paramref name="address"/> from its bundle (X3DH initiator) and
    /// stores it; the previous session is archived.
    /// </summary>
    /// <returns>True when the bundle's identity replaced a different stored identity.</returns>
    /// <exception cref="InvalidPreKeyBundleException">The bundle's signature does not verify.</exception>
    public async Task<bool> ProcessBundleAsync(SignalAddress address, PreKeyBundle bundle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var record = await LoadRecordAsync(address, cancellationToken).ConfigureAwait(false) ?? new SessionRecord();
            var identityChanged = await ApplyBundleAsync(address, record, bundle, cancellationToken).ConfigureAwait(false);
            await _sessions.StoreSessionsAsync([new(address, record.Serialize())], cancellationToken).ConfigureAwait(false);
            await _identities.SaveIdentityAsync(address.ToJid(), bundle.IdentityKey.Raw32.ToArray(), cancellationToken).ConfigureAwait(false);
            return identityChanged;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Encrypts for one device that has a session.</summary>
    /// <exception cref="NoSignalSessionException">There is no session with <paramref name="address"/>.</exception>
    public async Task<EncryptedSignalMessage> EncryptAsync(SignalAddress address, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken = default)
    {
        var result = await EncryptForDevicesAsync([address], plaintext, null, cancellationToken).ConfigureAwait(false);
        return result.Messages[address];
    }

    /// <summary>
    /// Encrypts one plaintext for every device of a fan-out, first building sessions from
    /// <paramref name="newBundles"/> (the bundles fetched for devices without one). All changed
    /// records are stored in one transaction before the ciphertexts are returned.
    /// </summary>
    /// <exception cref="NoSignalSessionException">A device has neither a session nor a bundle.</exception>
    /// <exception cref="InvalidPreKeyBundleException">A bundle's signature does not verify; nothing is stored.</exception>
    public Task<SignalFanOutResult> EncryptForDevicesAsync(
        IReadOnlyCollection<SignalAddress> devices,
        ReadOnlyMemory<byte> plaintext,
        IReadOnlyDictionary<SignalAddress, PreKeyBundle>? newBundles,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(devices);
        return EncryptForDevicesAsync(devices.Distinct().ToDictionary(d => d, _ => plaintext), newBundles, cancellationToken);
    }

    /// <summary>
    /// Encrypts a plaintext per device (a 1:1 send: the message for the recipient's devices, its
    /// <c>deviceSentMessage</c> wrapper for our own), first building sessions from
    /// <paramref name="newBundles"/>. All changed records are stored in one transaction before the
    /// ciphertexts are returned.
    /// </summary>
    /// <exception cref="NoSignalSessionException">A device has neither a session nor a bundle.</exception>
    /// <exception cref="InvalidPreKeyBundleException">A bundle's signature does not verify; nothing is stored.</exception>
    public async Task<SignalFanOutResult> EncryptForDevicesAsync(
        IReadOnlyDictionary<SignalAddress, ReadOnlyMemory<byte>> plaintexts,
        IReadOnlyDictionary<SignalAddress, PreKeyBundle>? newBundles,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plaintexts);
        var devices = plaintexts.Keys.ToList();
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = await _sessions.LoadSessionsAsync(devices, cancellationToken).ConfigureAwait(false);
            var messages = new Dictionary<SignalAddress, EncryptedSignalMessage>(devices.Count);
            var records = new List<KeyValuePair<SignalAddress, byte[]>>(devices.Count);
            var identityChanges = new List<SignalAddress>();
            var newIdentities = new List<(SignalAddress Address, byte[] Identity)>();
            foreach (var device in devices)
            {
                var plaintext = plaintexts[device];
                var record = stored.TryGetValue(device, out var bytes) ? SessionRecord.Deserialize(bytes) : new SessionRecord();
                if (newBundles is not null && newBundles.TryGetValue(device, out var bundle))
                {
                    if (await ApplyBundleAsync(device, record, bundle, cancellationToken).ConfigureAwait(false))
                    {
                        identityChanges.Add(device);
                    }
                    newIdentities.Add((device, bundle.IdentityKey.Raw32.ToArray()));
                }
                if (record.CurrentState is null)
                {
                    throw new NoSignalSessionException($"There is no session with {device} and no prekey bundle for it.");
                }
                messages[device] = SessionCipher.Encrypt(record, plaintext.Span);
                records.Add(new(device, record.Serialize()));
            }
            await _sessions.StoreSessionsAsync(records, cancellationToken).ConfigureAwait(false);
            foreach (var (address, identity) in newIdentities)
            {
                await _identities.SaveIdentityAsync(address.ToJid(), identity, cancellationToken).ConfigureAwait(false);
            }
            return new SignalFanOutResult(messages, identityChanges);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Decrypts an <c>&lt;enc type="pkmsg|msg"&gt;</c> payload from <paramref name="sender"/>.</summary>
    /// <exception cref="NoSignalSessionException">A msg from an address without a session.</exception>
    /// <exception cref="DuplicateSignalMessageException">Already decrypted (redelivery): ignore, no retry receipt.</exception>
    /// <exception cref="InvalidSignalMessageException">Undecryptable: answer with a retry receipt.</exception>
    /// <exception cref="InvalidSignalKeyIdException">A pkmsg naming a prekey we do not have: answer with a retry receipt.</exception>
    public async Task<SignalDecryptionResult> DecryptAsync(
        SignalAddress sender,
        SignalMessageType type,
        ReadOnlyMemory<byte> ciphertext,
        CancellationToken cancellationToken = default)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return type switch
            {
                SignalMessageType.PreKey => await DecryptPreKeyMessageAsync(sender, PreKeySignalMessage.Parse(ciphertext.Span), cancellationToken).ConfigureAwait(false),
                SignalMessageType.Whisper => await DecryptWhisperMessageAsync(sender, SignalMessage.Parse(ciphertext.Span), cancellationToken).ConfigureAwait(false),
                _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Only pkmsg and msg are 1:1 Signal messages."),
            };
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>
    /// Moves the sessions of every device of a phone-number user to the same devices of its LID
    /// (whatsapp-protocol.md §7.5, pitfall P4; whatsmeow <c>MigratePNToLID</c>, Baileys
    /// <c>migrateSession</c>), with the identity keys. A device that already has a LID session keeps
    /// it; the PN session is dropped either way, so nothing encrypts to the PN address again.
    /// </summary>
    /// <returns>The number of PN sessions migrated or dropped.</returns>
    public async Task<int> MigrateSessionsToLidAsync(Jid phoneNumberUser, Jid lidUser, CancellationToken cancellationToken = default)
    {
        if (!phoneNumberUser.IsUserPn)
        {
            throw new ArgumentException($"'{phoneNumberUser}' is not a phone-number JID.", nameof(phoneNumberUser));
        }
        if (!lidUser.IsLid)
        {
            throw new ArgumentException($"'{lidUser}' is not a LID.", nameof(lidUser));
        }
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var phoneNumberName = SignalAddress.FromJid(phoneNumberUser.ToNonAd()).Name;
            var lidName = SignalAddress.FromJid(lidUser.ToNonAd()).Name;
            var sources = await _sessions.ListSessionsAsync(phoneNumberName, cancellationToken).ConfigureAwait(false);
            if (sources.Count == 0)
            {
                return 0;
            }
            var moves = sources.Select(s => new KeyValuePair<SignalAddress, SignalAddress>(s, new SignalAddress(lidName, s.DeviceId))).ToList();
            foreach (var (source, target) in moves)
            {
                var targetJid = target.ToJid();
                if (await _identities.GetIdentityAsync(targetJid, cancellationToken).ConfigureAwait(false) is null
                    && await _identities.GetIdentityAsync(source.ToJid(), cancellationToken).ConfigureAwait(false) is { } identity)
                {
                    await _identities.SaveIdentityAsync(targetJid, identity, cancellationToken).ConfigureAwait(false);
                }
            }
            await _sessions.MoveSessionsAsync(moves, cancellationToken).ConfigureAwait(false);
            return moves.Count;
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose() => _turn.Dispose();

    private async Task<SignalDecryptionResult> DecryptPreKeyMessageAsync(SignalAddress sender, PreKeySignalMessage message, CancellationToken cancellationToken)
    {
        var record = await LoadRecordAsync(sender, cancellationToken).ConfigureAwait(false) ?? new SessionRecord();
        var identityChanged = await ForgetOtherIdentityAsync(sender, record, message.IdentityKey, cancellationToken).ConfigureAwait(false);

        Curve25519KeyPair? oneTimePreKey = null;
        if (message.PreKeyId is { } preKeyId && record.FindStateByTheirBaseKey(message.BaseKey.Signal33.Span) is null)
        {
            oneTimePreKey = (await _preKeys.GetPreKeyAsync(preKeyId, cancellationToken).ConfigureAwait(false))?.KeyPair.ToKeyPair();
        }
        var decryption = SessionCipher.DecryptPreKeyMessage(record, _ours, message, oneTimePreKey);

        await _sessions.StoreSessionsAsync([new(sender, record.Serialize())], cancellationToken).ConfigureAwait(false);
        await _identities.SaveIdentityAsync(sender.ToJid(), message.IdentityKey.Raw32.ToArray(), cancellationToken).ConfigureAwait(false);
        if (decryption.ConsumedPreKeyId is { } consumed)
        {
            // Only now that the session built from it is durable (pitfall P11).
            await _preKeys.RemovePreKeyAsync(consumed, cancellationToken).ConfigureAwait(false);
        }
        return new SignalDecryptionResult(decryption.Plaintext, identityChanged);
    }

    private async Task<SignalDecryptionResult> DecryptWhisperMessageAsync(SignalAddress sender, SignalMessage message, CancellationToken cancellationToken)
    {
        var record = await LoadRecordAsync(sender, cancellationToken).ConfigureAwait(false)
            ?? throw new NoSignalSessionException($"There is no session with {sender}.");
        var plaintext = SessionCipher.Decrypt(record, message);
        await _sessions.StoreSessionsAsync([new(sender, record.Serialize())], cancellationToken).ConfigureAwait(false);
        return new SignalDecryptionResult(plaintext, IdentityChanged: false);
    }

    private async Task<bool> ApplyBundleAsync(SignalAddress address, SessionRecord record, PreKeyBundle bundle, CancellationToken cancellationToken)
    {
        var state = SessionBuilder.InitializeAsInitiator(_ours, bundle);
        var identityChanged = await ForgetOtherIdentityAsync(address, record, bundle.IdentityKey, cancellationToken).ConfigureAwait(false);
        record.PromoteState(state);
        return identityChanged;
    }

    // Trust on first use (whatsmeow AutoTrustIdentity, Baileys isTrustedIdentity → true): a new
    // identity is accepted, and the sessions bound to the old one are dropped.
    private async Task<bool> ForgetOtherIdentityAsync(SignalAddress address, SessionRecord record, Curve25519PublicKey identity, CancellationToken cancellationToken)
    {
        var stored = await _identities.GetIdentityAsync(address.ToJid(), cancellationToken).ConfigureAwait(false);
        var changed = stored is not null && !MessageAuthentication.FixedTimeEquals(stored, identity.Raw32.Span);
        record.RemoveStatesOfOtherIdentities(identity.Signal33.Span);
        return changed;
    }

    private async Task<SessionRecord?> LoadRecordAsync(SignalAddress address, CancellationToken cancellationToken)
    {
        var bytes = await _sessions.LoadSessionAsync(address, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : SessionRecord.Deserialize(bytes);
    }
}
