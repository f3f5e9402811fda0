using System.Security.Cryptography;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Groups;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Events;
using CodeChat.Grains.Messages;
using CodeChat.Grains.Sessions;
using CodeChat.Grains.Storage;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Storage;

namespace CodeChat.Grains.Instances;

/// <summary>
/// One instance, keyed by its name. Persists its record first and then projects it into the
/// registry table; activation re-projects an existing record so a failed projection heals.
/// It owns the instance's WhatsApp session: one <see cref="WaClient"/> per activation whose events
/// a background pump posts back as <see cref="IInstanceSessionInbox"/> calls, so state changes only
/// on grain turns. Order everywhere: persist state (fenced by its ETag) with its outbox event staged
/// in it → relay the event to the outbox → act or answer.
/// </summary>
[GrainType("instance")]
[KeepAlive]
[Immovable]
public sealed partial class InstanceGrain(
    [PersistentState(InstanceGrain.StateName, "Default")] IPersistentState<InstanceState> state,
    PostgresInstanceRegistry registry,
    PostgresSessionDirectory sessions,
    PostgresDeviceStoreFactory deviceStores,
    PostgresInstancePurge purge,
    IWaClientFactory clients,
    IInstanceEventSink events,
    PostgresMessageStore messages,
    IOptions<MessagingOptions> messaging,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    TimeProvider timeProvider,
    Microsoft.Extensions.Options.IOptions<WhatsAppOptions> whatsAppOptions,
    ILogger<InstanceGrain> logger) : Grain, IInstanceGrain, IInstanceSessionGrain, IInstanceMessagingGrain, IInstanceGroupGrain, IInstancePasskeyGrain, IInstanceSessionResumer, IInstanceSessionInbox, IRemindable
{
    public const string StateName = "instance";
    public const string WatchdogReminderName = "session-watchdog";
    public static readonly TimeSpan WatchdogPeriod = TimeSpan.FromMinutes(1);
    // Above WaClientOptions.LogoutConnectTimeout, so a logout with the socket down can connect and still send its iq.
    private static readonly TimeSpan LogoutTimeout = TimeSpan.FromSeconds(15);
    // Once a change has begun it runs to its end within this limit of the grain's own: the caller's token
    // (an HTTP request the client may abort) stops it only before it starts, never half-way. Above
    // LogoutTimeout, since a forced delete may include a logout.
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(45);
    // CodeChat waits about 3 s; nobody needs a connect call held longer than this.
    private static readonly TimeSpan MaxCodeWait = TimeSpan.FromSeconds(60);

    private InstanceSession? _session;
    private InstanceQrCode _qrCode = InstanceQrCode.None;
    private string? _pairingPhoneNumber;
    private TaskCompletionSource _codeReady = NewSignal();
    private bool _watchdogRegistered;

    private string Name => this.GetPrimaryKeyString();

    private bool WantsConnection => state.State.DesiredConnectionState == InstanceConnectionState.Open;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.State.Exists)
            return;
        await RelayStagedEventsOnActivationAsync(cancellationToken);
        await registry.UpsertAsync(Snapshot(), cancellationToken);
        if (WantsConnection)
        {
            try
            {
                await ResumeIfWantedAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The activation itself must succeed (token checks, reads); the watchdog retries.
                LogResumeFailed(Name, exception);
            }
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Leaves the persisted desired state alone: another activation (or this one after a restart)
        // resumes the session, without waiting for the lease.
        await StopSessionAsync();
        await ReleaseLeaseAsync();
    }

    public async Task<InstanceCommandResult> CreateAsync(CreateInstanceCommand command, CancellationToken cancellationToken = default)
    {
        if (state.State.Exists)
        {
            // CodeChat 1.3 tells two cases apart (instance.guard.ts, instance.service.ts): a name with a
            // session in memory or on disk is "in use", one that is only a database row "already exists".
            var hasSession = _session is not null
                || await deviceStores.ForInstance(Name).LoadCredentialsAsync(cancellationToken) is not null;
            return InstanceCommandResult.Of(hasSession ? InstanceCommandOutcome.NameInUse : InstanceCommandOutcome.AlreadyExists);
        }

        using var change = BeginChange(cancellationToken);
        var now = Now();
        var id = await registry.NextInstanceIdAsync(change.Token);
        // A re-created name must not inherit a previous instance's keys.
        await deviceStores.ForInstance(Name).PurgeAsync(change.Token);
        state.State = new InstanceState
        {
            Id = id,
            Description = command.Description,
            ExternalAttributesJson = command.ExternalAttributesJson,
            TokenId = command.Token.TokenId,
            TokenSha256 = command.Token.TokenSha256,
            ProtectedToken = command.Token.ProtectedToken,
            TokenCreatedAt = now,
            TokenUpdatedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await SaveAsync(change.Token);
        LogCreated(Name, id);
        return new InstanceCommandResult(InstanceCommandOutcome.Succeeded, Snapshot());
    }

    public Task<InstanceSnapshot?> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(state.State.Exists ? Snapshot() : null);

    public async Task<InstanceCommandResult> UpdateAsync(UpdateInstanceCommand command, CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return InstanceCommandResult.Of(InstanceCommandOutcome.NotFound);

        using var change = BeginChange(cancellationToken);
        if (command.Description is not null)
            state.State.Description = command.Description;
        if (command.ExternalAttributesJson is not null)
            state.State.ExternalAttributesJson = command.ExternalAttributesJson;
        state.State.UpdatedAt = Now();
        await SaveAsync(change.Token);
        return new InstanceCommandResult(InstanceCommandOutcome.Succeeded, Snapshot());
    }

    public async Task<InstanceCommandResult> DeleteAsync(bool force, CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return InstanceCommandResult.Of(InstanceCommandOutcome.NotFound);
        if (state.State.ActualConnectionState == InstanceConnectionState.Open && !force)
            return InstanceCommandResult.Of(InstanceCommandOutcome.StillConnected);

        using var change = BeginChange(cancellationToken);
        if (state.State.ActualConnectionState == InstanceConnectionState.Open
            && (await LogoutCoreAsync(change.Token)).Outcome == InstanceCommandOutcome.Superseded)
            return InstanceCommandResult.Of(InstanceCommandOutcome.Superseded);
        await StopSessionAsync();
        await UnregisterWatchdogAsync();

        var deleted = Snapshot() with { DeletedAt = Now() };
        // One transaction, the grain's own state row included (fenced by its ETag): a failure half-way
        // leaves the instance whole, so the caller can retry, never a record without its keys.
        await purge.DeleteAsync(Name, this.GetGrainId().ToString(), StateName, state.Etag, change.Token);
        // The row is gone: re-read so this activation's ETag matches storage until it deactivates.
        await state.ReadStateAsync();
        LogDeleted(Name, deleted.Id);
        DeactivateOnIdle();
        return new InstanceCommandResult(InstanceCommandOutcome.Succeeded, deleted);
    }

    public async Task<InstanceCommandResult> RotateTokenAsync(
        string presentedTokenId, InstanceTokenCredential replacement, CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return InstanceCommandResult.Of(InstanceCommandOutcome.NotFound);
        if (!string.Equals(presentedTokenId, state.State.TokenId, StringComparison.Ordinal))
            return InstanceCommandResult.Of(InstanceCommandOutcome.TokenMismatch);

        using var change = BeginChange(cancellationToken);
        var now = Now();
        state.State.TokenId = replacement.TokenId;
        state.State.TokenSha256 = replacement.TokenSha256;
        state.State.ProtectedToken = replacement.ProtectedToken;
        state.State.TokenUpdatedAt = now;
        state.State.UpdatedAt = now;
        await SaveAsync(change.Token);
        LogTokenRotated(Name);
        return new InstanceCommandResult(InstanceCommandOutcome.Succeeded, Snapshot());
    }

    public Task<bool> IsCurrentTokenAsync(string tokenId, byte[] tokenSha256, CancellationToken cancellationToken = default)
    {
        var current = state.State;
        var matches = current.Exists
            && string.Equals(tokenId, current.TokenId, StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(tokenSha256, current.TokenSha256);
        return Task.FromResult(matches);
    }

    // ----- WhatsApp session -----

    public async Task<ConnectResult> ConnectAsync(ConnectCommand command, CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return ConnectResult.Of(ConnectOutcome.NotFound);
        if (state.State.ActualConnectionState == InstanceConnectionState.Open)
            return ConnectResult.Of(ConnectOutcome.AlreadyOpen);

        using var change = BeginChange(cancellationToken);
        var phoneNumber = string.IsNullOrWhiteSpace(command.PhoneNumber) ? null : PhoneNumber.Normalize(command.PhoneNumber);
        if (_session is { } running)
        {
            if (phoneNumber is null || _qrCode.PairingCode is not null)
                return new ConnectResult(ConnectOutcome.Connecting, _qrCode, null);
            // Switch a QR session to pairing by code.
            _pairingPhoneNumber = phoneNumber;
            _codeReady = NewSignal();
            running.RequestPairingCode(phoneNumber);
            return ConnectResult.Of(ConnectOutcome.Started);
        }

        if (state.State.ActualConnectionState == InstanceConnectionState.Refused)
        {
            // As CodeChat: report the refusal once; the next connect starts over.
            var refused = ConnectionView();
            if (TryMove(state.State.Connection.RefusalReported(), nameof(InstanceConnection.RefusalReported)))
                await SaveSessionStateAsync(change.Token);
            return new ConnectResult(ConnectOutcome.NotStarted, null, refused);
        }

        return await StartSessionAsync(phoneNumber, change.Token)
            ? ConnectResult.Of(ConnectOutcome.Started)
            : new ConnectResult(ConnectOutcome.NotStarted, null, ConnectionView());
    }

    public async Task<InstanceQrCode> WaitForCodeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var ready = _codeReady.Task;
        if (_session is not null && !ready.IsCompleted)
        {
            var timeLeft = timeout > MaxCodeWait ? MaxCodeWait : timeout;
            await BoundedWait.ForAsync(ready, timeLeft, timeProvider, cancellationToken);
        }
        return _qrCode;
    }

    public Task<InstanceConnectionView?> GetConnectionStateAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(state.State.Exists ? ConnectionView() : null);

    public async Task<InstanceCommandResult> LogoutAsync(CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return InstanceCommandResult.Of(InstanceCommandOutcome.NotFound);
        using var change = BeginChange(cancellationToken);
        return await LogoutCoreAsync(change.Token);
    }

    /// <summary>
    /// Fences first: the logged-out state is persisted under a new session epoch (an ETag-checked write)
    /// before anything is wiped. A stale activation fails that write and touches nothing, so it can never
    /// wipe the keys of a session another activation runs; a newer activation reads "not wanted" and does
    /// not resume. Then the server is told (connecting briefly if the socket is down), the device wiped,
    /// and the event recorded.
    /// </summary>
    private async Task<InstanceCommandResult> LogoutCoreAsync(CancellationToken cancellationToken)
    {
        state.State.SessionEpoch++;
        SetConnection(state.State.Connection.LoggedOut(Now()));
        state.State.OwnerJid = null;
        StageConnectionUpdate();
        if (!await TryWriteAsOwnerAsync())
            return InstanceCommandResult.Of(InstanceCommandOutcome.Superseded);

        // Its signals are dropped from here on (no session), so a brief reconnect for the logout does
        // not show up as "open".
        var session = _session;
        _session = null;
        await registry.UpsertAsync(Snapshot(), cancellationToken);
        await ProjectAsync(cancellationToken);

        var store = deviceStores.ForInstance(Name);
        if (session is not null)
        {
            await LogoutOnServerAsync(session.Client, cancellationToken);
            await session.DisposeAsync();
        }
        else if ((await store.LoadCredentialsAsync(cancellationToken))?.IsPaired == true)
        {
            // No socket (closed after "replaced", a refused login, or never resumed): connect just long
            // enough to unlink the device on the server, so the phone stops listing it.
            await using var client = clients.Create(Name, store, deviceStores.SessionsForInstance(Name), deviceStores.SenderKeysForInstance(Name));
            await LogoutOnServerAsync(client, cancellationToken);
        }
        await store.WipeAsync(cancellationToken);

        await RelayPendingEventsAsync(cancellationToken);
        await UnregisterWatchdogAsync();
        ResetCode();
        LogLoggedOut(Name);
        return new InstanceCommandResult(InstanceCommandOutcome.Succeeded, Snapshot());
    }

    /// <summary>Tells the server to remove this companion device (connecting if needed), then wipes the store; bounded.</summary>
    private async Task LogoutOnServerAsync(WaClient client, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(LogoutTimeout);
        try
        {
            await client.LogoutAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogLogoutIncomplete(Name, exception);
        }
    }

    public async Task EnsureSessionAsync(CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists || !WantsConnection)
            return;
        using var change = BeginChange(cancellationToken);
        await ResumeIfWantedAsync(change.Token);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WatchdogReminderName)
            return;
        if (!state.State.Exists || !WantsConnection)
        {
            await UnregisterWatchdogAsync();
            return;
        }
        await ResumeIfWantedAsync(CancellationToken.None);
    }

    private async Task ResumeIfWantedAsync(CancellationToken cancellationToken)
    {
        if (_session is not null || !WantsConnection || SessionLeasedElsewhere())
            return;
        var credentials = await deviceStores.ForInstance(Name).LoadCredentialsAsync(cancellationToken);
        if (credentials?.IsPaired == true)
        {
            await StartSessionAsync(pairingPhoneNumber: null, cancellationToken);
            return;
        }

        // A QR run that a restart interrupted: nobody is looking at it any more, so stop wanting it.
        if (!TryMove(state.State.Connection.Abandoned(Now()), nameof(InstanceConnection.Abandoned)))
            return;
        StageConnectionUpdate();
        await SaveSessionStateAsync(cancellationToken);
        await RelayPendingEventsAsync(cancellationToken);
        await UnregisterWatchdogAsync();
    }

    /// <summary>
    /// Fences, records "connecting", then starts the client (on a wiped device when linking by code).
    /// False when another activation owns the instance.
    /// </summary>
    private async Task<bool> StartSessionAsync(string? pairingPhoneNumber, CancellationToken cancellationToken)
    {
        state.State.SessionEpoch++;
        SetConnection(state.State.Connection.Starting(Now()));
        StageConnectionUpdate();
        if (!await TryWriteAsOwnerAsync())
            return false;
        await ProjectAsync(cancellationToken);
        await RelayPendingEventsAsync(cancellationToken);
        await EnsureWatchdogAsync();

        var store = deviceStores.ForInstance(Name);
        if (pairingPhoneNumber is not null)
        {
            // Linking by code needs an unpaired device; CodeChat drops the old session the same way.
            // Only after the fencing write: a stale activation must not wipe the keys of the live session.
            await store.WipeAsync(cancellationToken);
        }

        ResetCode();
        _pairingPhoneNumber = pairingPhoneNumber;
        var inbox = this.AsReference<IInstanceSessionInbox>();
        var epoch = state.State.SessionEpoch;
        var session = new InstanceSession(Name, epoch,
            clients.Create(Name, store, deviceStores.SessionsForInstance(Name), deviceStores.SenderKeysForInstance(Name),
                InstanceSession.OwnershipCheck(inbox, epoch), InstanceSession.MessageHook(inbox, epoch),
                InstanceSession.FailureHook(inbox, epoch), InstanceSession.GroupNotificationHook(inbox, epoch),
                InstanceSession.CallHook(inbox, epoch)), inbox, logger);
        _session = session;
        session.AppState = CreateAppStateSync(session.Client);
        session.Start(pairingPhoneNumber);
        LogConnecting(Name, state.State.SessionEpoch, pairingPhoneNumber is not null);
        return true;
    }

    private async Task StopSessionAsync()
    {
        var session = _session;
        _session = null;
        StopLeaseRenewal();
        if (session is not null)
            await session.DisposeAsync();
        _codeReady.TrySetResult();
    }

    private void ResetCode()
    {
        _codeReady.TrySetResult();
        _codeReady = NewSignal();
        _qrCode = InstanceQrCode.None;
        _pairingPhoneNumber = null;
        SetPasskey(InstancePasskeyView.Idle);
    }

    private async Task EnsureWatchdogAsync()
    {
        if (_watchdogRegistered)
            return;
        await this.RegisterOrUpdateReminder(WatchdogReminderName, WatchdogPeriod, WatchdogPeriod);
        _watchdogRegistered = true;
    }

    private async Task UnregisterWatchdogAsync()
    {
        if (!_watchdogRegistered && !WantsConnectionEver())
            return;
        var reminder = await this.GetReminder(WatchdogReminderName);
        if (reminder is not null)
            await this.UnregisterReminder(reminder);
        _watchdogRegistered = false;
    }

    /// <summary>True when a watchdog may exist from an earlier activation (any session ever started).</summary>
    private bool WantsConnectionEver() => state.State.SessionEpoch > 0;

    /// <summary>
    /// A QR or pairing code changes no stored state and must never rest in the record (it is a secret),
    /// so it goes straight to the outbox, after any event still staged so the order holds.
    /// </summary>
    private async Task AppendQrCodeAsync(CancellationToken cancellationToken)
    {
        await RelayPendingEventsAsync(cancellationToken);
        await AppendAsync(InstanceEventPayloads.QrCodeUpdated(Name, state.State.Id, state.State.OwnerJid,
            QrCodeUpdatedData.Create(Name, _qrCode.Count, _qrCode.Code, _qrCode.Base64, _qrCode.PairingCode)), cancellationToken);
    }

    /// <summary>Stages the connection.update of the current connection state for the next record write.</summary>
    private void StageConnectionUpdate() =>
        Stage(InstanceEventPayloads.ConnectionUpdate(
            Name, state.State.Id, state.State.OwnerJid, state.State.ActualConnectionState, state.State.StatusReason));

    private async Task AppendAsync(InstanceEventDraft draft, CancellationToken cancellationToken)
    {
        var record = await events.AppendAsync(draft, cancellationToken);
        LogEvent(Name, record.Event, record.Sequence);
    }

    /// <summary>
    /// The token of a change the caller asked for: the caller's token is honoured up to here (nothing
    /// written yet); from here on only the grain's own <see cref="ChangeTimeout"/> can cancel it.
    /// </summary>
    private CancellationTokenSource BeginChange(CancellationToken callerToken)
    {
        callerToken.ThrowIfCancellationRequested();
        return new CancellationTokenSource(ChangeTimeout, timeProvider);
    }

    /// <summary>Applies a connection move; an illegal one (null) is logged and changes nothing.</summary>
    private bool TryMove(InstanceConnection? next, string transition)
    {
        if (next is not { } value)
        {
            LogIllegalTransition(Name, transition, state.State.ActualConnectionState);
            return false;
        }
        SetConnection(value);
        return true;
    }

    private InstanceConnectionView ConnectionView() => new(state.State.ActualConnectionState, state.State.StatusReason, PasskeyStageOrNull());

    /// <summary>
    /// Writes the record only if nobody else wrote it since this activation last read or wrote it. False
    /// when someone did: another activation owns the instance, so this one stops its session and
    /// deactivates (the next call reaches a fresh activation that reads the current state).
    /// </summary>
    private async Task<bool> TryWriteAsOwnerAsync()
    {
        try
        {
            await WriteRecordAsync();
            return true;
        }
        catch (InconsistentStateException)
        {
            await StepDownAsync();
            return false;
        }
    }

    private async Task StepDownAsync()
    {
        LogFenced(Name, state.State.SessionEpoch);
        DropUnrelayedEvents();
        await StopSessionAsync();
        DeactivateOnIdle();
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        await WriteRecordAsync();
        await registry.UpsertAsync(Snapshot(), cancellationToken);
        await ProjectAsync(cancellationToken);
    }

    private async Task SaveSessionStateAsync(CancellationToken cancellationToken)
    {
        await WriteRecordAsync();
        await ProjectAsync(cancellationToken);
    }

    private Task ProjectAsync(CancellationToken cancellationToken) =>
        sessions.UpsertAsync(Name, state.State.DesiredConnectionState, state.State.ActualConnectionState, state.State.StatusReason, cancellationToken);

    private InstanceSnapshot Snapshot()
    {
        var current = state.State;
        return new InstanceSnapshot
        {
            Id = current.Id,
            Name = Name,
            Description = current.Description,
            ExternalAttributesJson = current.ExternalAttributesJson,
            ConnectionStatus = current.ActualConnectionState == InstanceConnectionState.Open
                ? InstanceConnectionStatus.Online
                : InstanceConnectionStatus.Offline,
            OwnerJid = current.OwnerJid,
            ProfilePicUrl = current.ProfilePicUrl,
            TokenId = current.TokenId,
            TokenCreatedAt = current.TokenCreatedAt,
            TokenUpdatedAt = current.TokenUpdatedAt,
            ProtectedToken = current.ProtectedToken,
            CreatedAt = current.CreatedAt,
            UpdatedAt = current.UpdatedAt,
        };
    }

    /// <summary>Now, cut to the microsecond PostgreSQL keeps, so the record and its projection agree.</summary>
    private DateTimeOffset Now()
    {
        var now = timeProvider.GetUtcNow();
        return new DateTimeOffset(now.Ticks - now.Ticks % 10, TimeSpan.Zero);
    }

    /// <summary>CodeChat's ownerJid: the own phone-number JID without the device part.</summary>
    private static string? OwnerJidOf(string? deviceJid) =>
        Jid.TryParse(deviceJid, out var jid) ? jid.ToNonAd().ToString() : null;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
