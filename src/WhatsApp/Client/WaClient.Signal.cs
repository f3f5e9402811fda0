using System.Collections.Concurrent;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Signal;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: the Signal side shared by sending and receiving: the one SignalSessionManager of the
// device (built from its credentials), the PN ↔ LID mappings learned from stanzas, and the rule that
// sessions live under the LID address whenever the LID is known (whatsapp-protocol.md §7.5, pitfall
// P4; whatsmeow migrateSessionStore, Baileys 7 resolveLIDSignalAddress).
public sealed partial class WaClient
{
    private readonly Lock _signalGate = new();
    // Phone-number users whose PN sessions were already moved to their LID by this client.
    private readonly ConcurrentDictionary<string, bool> _migratedUsers = new(StringComparer.Ordinal);
    private SignalSessionManager? _signal;

    /// <summary>The device's session manager; built on first use from the current credentials.</summary>
    private SignalSessionManager SignalSessions()
    {
        lock (_signalGate)
        {
            if (_signal is null)
            {
                var credentials = Credentials ?? throw new WaClientException("No credentials: the device is not set up.");
                _signal = new SignalSessionManager(LocalSignalIdentity.FromCredentials(credentials), _sessions, _store, _store);
            }
            return _signal;
        }
    }

    private void ReleaseSignalSessions()
    {
        lock (_signalGate)
        {
            _signal?.Dispose();
            _signal = null;
            _migratedUsers.Clear();
            _deviceLists.Clear();
        }
    }

    /// <summary>
    /// Records that <paramref name="lid"/> and <paramref name="phoneNumber"/> (users, any device) are
    /// one account and moves that phone number's sessions to the LID, once per user and client.
    /// </summary>
    private async Task LearnLidMappingAsync(Jid lid, Jid phoneNumber, CancellationToken cancellationToken)
    {
        var lidUser = lid.ToNonAd();
        var pnUser = phoneNumber.ToNonAd();
        if (!lidUser.IsLid || !pnUser.IsUserPn || NamesOurAccount(lidUser, pnUser))
        {
            return;
        }
        if (await _store.GetLidForPhoneNumberAsync(pnUser, cancellationToken).ConfigureAwait(false) != lidUser)
        {
            await _store.SaveLidMappingAsync(lidUser, pnUser, cancellationToken).ConfigureAwait(false);
            _migratedUsers.TryRemove(pnUser.User, out _);
        }
        await MigrateToLidOnceAsync(pnUser, lidUser, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records PN ↔ LID pairs another source carried (history sync's phoneNumberToLidMappings), with the
    /// same rules as the pairs the client learns from stanzas: sessions move to the LID, and a pair that
    /// names our own LID or number with anything but its partner is ignored.
    /// </summary>
    public async Task LearnLidMappingsAsync(IEnumerable<(Jid Lid, Jid PhoneNumber)> pairs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        foreach (var (lid, phoneNumber) in pairs)
        {
            await LearnLidMappingAsync(lid, phoneNumber, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether the pair names our own account. Our own LID comes from pair-success and login only:
    /// a learned pair that gave our LID to another number (or our number to another LID) would replace
    /// that mapping, and the sessions with our own phone and devices would be looked up under the
    /// wrong address from then on.
    /// </summary>
    private bool NamesOurAccount(Jid lidUser, Jid pnUser)
    {
        var credentials = Credentials;
        var ownPn = credentials?.GetJid()?.ToNonAd();
        var ownLid = credentials?.GetLid()?.ToNonAd();
        var ours = (ownLid is { } l && l == lidUser) || (ownPn is { } p && p == pnUser);
        if (ours && !(ownLid == lidUser && ownPn == pnUser))
        {
            Log.OwnMappingConflictIgnored(_logger);
        }
        return ours;
    }

    private async Task MigrateToLidOnceAsync(Jid pnUser, Jid lidUser, CancellationToken cancellationToken)
    {
        if (_migratedUsers.ContainsKey(pnUser.User))
        {
            return;
        }
        var moved = await SignalSessions().MigrateSessionsToLidAsync(pnUser, lidUser, cancellationToken).ConfigureAwait(false);
        _migratedUsers[pnUser.User] = true;
        if (moved > 0)
        {
            Log.SessionsMigrated(_logger, moved);
        }
    }

    /// <summary>
    /// The address a device's session lives under: its LID device when the LID of a phone-number
    /// device is known (the PN sessions are migrated first), else the JID as given.
    /// </summary>
    private async Task<SignalAddress> SessionAddressAsync(Jid device, CancellationToken cancellationToken)
    {
        if (device.IsUserPn && await _store.GetLidForPhoneNumberAsync(device.ToNonAd(), cancellationToken).ConfigureAwait(false) is { } lid)
        {
            await MigrateToLidOnceAsync(device.ToNonAd(), lid, cancellationToken).ConfigureAwait(false);
            return SignalAddress.FromJid(lid.WithDevice(device.Device));
        }
        return SignalAddress.FromJid(device);
    }

    /// <summary>Reports every device whose identity a fan-out or decryption found changed (the new one is already accepted).</summary>
    private void PublishIdentityChanges(IEnumerable<SignalAddress> devices)
    {
        foreach (var device in devices)
        {
            Log.IdentityChanged(_logger);
            Publish(new IdentityChangedEvent(device.ToJid()));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(29, LogLevel.Warning, "A PN-LID pair naming our own account with another LID or number was ignored")]
        public static partial void OwnMappingConflictIgnored(ILogger logger);

        [LoggerMessage(30, LogLevel.Information, "Moved {Count} Signal sessions from a phone number to its LID")]
        public static partial void SessionsMigrated(ILogger logger, int count);

        // No JID either: which contact re-installed is the user's business, the event carries it.
        [LoggerMessage(120, LogLevel.Information, "A contact device re-installed: its new identity key was accepted and a new session replaces the old one")]
        public static partial void IdentityChanged(ILogger logger);
    }
}
