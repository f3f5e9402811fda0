using System.Security.Cryptography;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Events;
using CodeChat.Grains.Sessions;
using CodeChat.Grains.Storage;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Storage;

namespace CodeChat.Grains.Instances;

/// <summary>
/// One instance, keyed by its name. Persists its record first and then projects it into the
/// registry table; activation re-projects an existing record so a failed projection heals.
/// It owns the instance's WhatsApp session: one <see cref="WaClient"/> per activation whose events
/// a background pump posts back as <see cref="IInstanceSessionInbox"/> calls, so state changes only
/// on grain turns. Order everywhere: persist state (fenced by its ETag) → append the outbox event →
/// act or answer.
/// </summary>
[GrainType("instance")]
[KeepAlive]
[Immovable]
public sealed partial class InstanceGrain(
    [PersistentState("instance", "Default")] IPersistentState<InstanceState> state,
    PostgresInstanceRegistry registry,
    PostgresSessionDirectory sessions,
    PostgresDeviceStoreFactory deviceStores,
    IWaClientFactory clients,
    IInstanceEventSink events,
    TimeProvider timeProvider,
    ILogger<InstanceGrain> logger) : Grain, IInstanceGrain, IInstanceSessionGrain, IInstanceSessionResumer, IInstanceSessionInbox, IRemindable
{
    public const string WatchdogReminderName = "session-watchdog";
    public static readonly TimeSpan WatchdogPeriod = TimeSpan.FromMinutes(1);
    // Above WaClientOptions.LogoutConnectTimeout, so a logout with the socket down can connect and still send its iq.
    private static readonly TimeSpan LogoutTimeout = TimeSpan.FromSeconds(15);

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
        // resumes the session.
        await StopSessionAsync();
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

        var now = Now();
        var id = await registry.NextInstanceIdAsync(cancellationToken);
        // A re-created name must not inherit a previous instance's keys.
        await deviceStores.ForInstance(Name).PurgeAsync(cancellationToken);
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
        await SaveAsync(cancellationToken);
        LogCreated(Name, id);
        return new InstanceCommandResult(InstanceCommandOutcome.Succeeded, Snapshot());
    }

    public Task<InstanceSnapshot?> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(state.State.Exists ? Snapshot() : null);

    public async Task<InstanceCommandResult> UpdateAsync(UpdateInstanceCommand command, CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return InstanceCommandResult.Of(InstanceCommandOutcome.NotFound);

        if (command.Description is not null)
            state.State.Description = command.Description;
        if (command.ExternalAttributesJson is not null)
            state.State.ExternalAttributesJson = command.ExternalAttributesJson;
        state.State.UpdatedAt = Now();
        await SaveAsync(cancellationToken);
        return new InstanceCommandResult(InstanceCommandOutcome.Succeeded, Snapshot());
    }

    public async Task<InstanceCommandResult> DeleteAsync(bool force, CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return InstanceCommandResult.Of(InstanceCommandOutcome.NotFound);
        if (state.State.ActualConnectionState == InstanceConnectionState.Open && !force)
            return InstanceCommandResult.Of(InstanceCommandOutcome.StillConnected);

        if (state.State.ActualConnectionState == InstanceConnectionState.Open)
            await LogoutAsync(cancellationToken);
        await StopSessionAsync();
        await UnregisterWatchdogAsync();

        var deleted = Snapshot() with { DeletedAt = Now() };
        // Registry first: if clearing the state then fails, the next activation re-projects it.
        await registry.DeleteAsync(Name, cancellationToken);
        await sessions.DeleteAsync(Name, cancellationToken);
        await deviceStores.ForInstance(Name).PurgeAsync(cancellationToken);
        await state.ClearStateAsync();
        state.State = new InstanceState();
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

        var now = Now();
        state.State.TokenId = replacement.TokenId;
        state.State.TokenSha256 = replacement.TokenSha256;
        state.State.ProtectedToken = replacement.ProtectedToken;
        state.State.TokenUpdatedAt = now;
        state.State.UpdatedAt = now;
        await SaveAsync(cancellationToken);
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
                await SaveSessionStateAsync(cancellationToken);
            return new ConnectResult(ConnectOutcome.NotStarted, null, refused);
        }

        return await StartSessionAsync(phoneNumber, cancellationToken)
            ? ConnectResult.Of(ConnectOutcome.Started)
            : new ConnectResult(ConnectOutcome.NotStarted, null, ConnectionView());
    }

    public async Task<InstanceQrCode> WaitForCodeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var ready = _codeReady.Task;
        if (_session is not null && !ready.IsCompleted)
        {
            var timeLeft = timeout > TimeSpan.FromSeconds(60) ? TimeSpan.FromSeconds(60) : timeout;
            await Task.WhenAny(ready, Task.Delay(timeLeft, timeProvider, cancellationToken));
        }
        return _qrCode;
    }

    public Task<InstanceConnectionView?> GetConnectionStateAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(state.State.Exists ? ConnectionView() : null);

    public async Task<InstanceCommandResult> LogoutAsync(CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return InstanceCommandResult.Of(InstanceCommandOutcome.NotFound);

        var session = _session;
        _session = null;
        var store = deviceStores.ForInstance(Name);
        if (session is not null)
        {
            // Its signals are dropped from here on (no session), so a brief reconnect for the logout
            // does not show up as "open".
            await LogoutOnServerAsync(session.Client, cancellationToken);
            await session.DisposeAsync();
        }
        else if ((await store.LoadCredentialsAsync(cancellationToken))?.IsPaired == true)
        {
            // No socket (closed after "replaced", a refused login, or never resumed): connect just long
            // enough to unlink the device on the server, so the phone stops listing it.
            await using var client = clients.Create(Name, store);
            await LogoutOnServerAsync(client, cancellationToken);
        }
        await store.WipeAsync(cancellationToken);

        state.State.Connection = state.State.Connection.LoggedOut(Now());
        state.State.OwnerJid = null;
        await SaveAsync(cancellationToken);
        await AppendConnectionUpdateAsync(cancellationToken);
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

    public Task EnsureSessionAsync(CancellationToken cancellationToken = default) =>
        state.State.Exists && WantsConnection ? ResumeIfWantedAsync(cancellationToken) : Task.CompletedTask;

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

    public async Task DeliverAsync(long epoch, SessionSignal signal)
    {
        var session = _session;
        if (session is null || session.Epoch != epoch)
            return;

        try
        {
            await ApplyAsync(session, signal);
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote the state since we read it: it owns the session now.
            LogFenced(Name, epoch);
            await StopSessionAsync();
            DeactivateOnIdle();
        }
    }

    public async Task<bool> ConfirmSessionOwnershipAsync(long epoch)
    {
        var session = _session;
        if (session is null || session.Epoch != epoch)
            return false;
        try
        {
            // Rewriting the unchanged state succeeds only if nobody wrote since we did: a newer
            // activation's epoch write makes it fail, before this client can replace that live connection.
            await state.WriteStateAsync();
            return true;
        }
        catch (InconsistentStateException)
        {
            LogFenced(Name, epoch);
            await StopSessionAsync();
            DeactivateOnIdle();
            return false;
        }
    }

    private async Task ApplyAsync(InstanceSession session, SessionSignal signal)
    {
        var cancellationToken = CancellationToken.None;
        switch (signal.Kind)
        {
            case SessionSignalKind.QrCode when signal.Text is { Length: > 0 } code:
                _qrCode = _qrCode with { Count = signal.Count, Code = code, Base64 = QrCodeImages.ToPngDataUrl(code) };
                await AppendQrCodeAsync(cancellationToken);
                if (_pairingPhoneNumber is null)
                    _codeReady.TrySetResult();
                break;

            case SessionSignalKind.PairingCode when signal.Text is { Length: > 0 } pairingCode:
                _qrCode = _qrCode with { PairingCode = pairingCode };
                await AppendQrCodeAsync(cancellationToken);
                _codeReady.TrySetResult();
                break;

            case SessionSignalKind.PairingCodeFailed:
                _codeReady.TrySetResult();
                break;

            case SessionSignalKind.PairSuccess:
                LogPaired(Name, signal.Jid);
                break;

            case SessionSignalKind.Connected:
                if (!TryMove(state.State.Connection.Opened(Now()), nameof(InstanceConnection.Opened)))
                    break;
                state.State.OwnerJid = OwnerJidOf(signal.Jid);
                await SaveAsync(cancellationToken);
                await AppendConnectionUpdateAsync(cancellationToken);
                ResetCode();
                LogOpen(Name, state.State.OwnerJid);
                break;

            case SessionSignalKind.Disconnected:
                await ApplyDisconnectAsync(signal, cancellationToken);
                break;

            case SessionSignalKind.ConnectFailed:
                await EndSessionAsync(
                    InstanceConnectionState.Close, ConnectionStatusReasons.TimedOut,
                    // A paired device retries from the watchdog; a QR nobody asked for again is pointless.
                    keepWanted: session.IsPaired, clearOwner: false, cancellationToken);
                break;

            case SessionSignalKind.LoggedOut:
                // The client wiped the store already; the Disconnected signal before it ended the session.
                break;
        }
    }

    private async Task ApplyDisconnectAsync(SessionSignal signal, CancellationToken cancellationToken)
    {
        var reason = ConnectionStatusReasons.For(signal.Reason, signal.Text);
        LogDisconnected(Name, signal.Reason, reason, signal.WillReconnect);
        if (signal.WillReconnect)
        {
            if (!TryMove(state.State.Connection.Reconnecting(reason, Now()), nameof(InstanceConnection.Reconnecting)))
                return;
            await SaveAsync(cancellationToken);
            // As Baileys reports it through CodeChat: the close with its reason, then a new attempt.
            await AppendAsync(InstanceEventPayloads.ConnectionUpdate(
                Name, state.State.Id, state.State.OwnerJid, InstanceConnectionState.Close, reason), cancellationToken);
            await AppendAsync(InstanceEventPayloads.ConnectionUpdate(
                Name, state.State.Id, state.State.OwnerJid, InstanceConnectionState.Connecting, ConnectionStatusReasons.Ok), cancellationToken);
            return;
        }

        // Replaced, logged out, unscanned QR, refused login: reconnecting by ourselves would be wrong.
        var loggedOut = signal.Reason == DisconnectReason.LoggedOut;
        await EndSessionAsync(ConnectionStatusReasons.StateAfter(signal.Reason), reason,
            keepWanted: false, clearOwner: loggedOut, cancellationToken);
        if (loggedOut)
            await deviceStores.ForInstance(Name).WipeAsync(cancellationToken);
    }

    private async Task EndSessionAsync(
        InstanceConnectionState endState, int statusReason, bool keepWanted, bool clearOwner, CancellationToken cancellationToken)
    {
        if (!TryMove(state.State.Connection.Ended(endState, statusReason, keepWanted, Now()), nameof(InstanceConnection.Ended)))
        {
            // The client ended all the same: stop it, but record nothing the state cannot explain.
            await StopSessionAsync();
            return;
        }
        if (clearOwner)
            state.State.OwnerJid = null;
        await SaveAsync(cancellationToken);
        await AppendConnectionUpdateAsync(cancellationToken);
        await StopSessionAsync();
        if (!keepWanted)
            await UnregisterWatchdogAsync();
        ResetCode();
    }

    private async Task ResumeIfWantedAsync(CancellationToken cancellationToken)
    {
        if (_session is not null || !WantsConnection)
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
        await SaveSessionStateAsync(cancellationToken);
        await AppendConnectionUpdateAsync(cancellationToken);
        await UnregisterWatchdogAsync();
    }

    /// <summary>
    /// Fences, records "connecting", then starts the client (on a wiped device when linking by code).
    /// False when another activation owns the instance.
    /// </summary>
    private async Task<bool> StartSessionAsync(string? pairingPhoneNumber, CancellationToken cancellationToken)
    {
        state.State.SessionEpoch++;
        state.State.Connection = state.State.Connection.Starting(Now());
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            LogFenced(Name, state.State.SessionEpoch);
            DeactivateOnIdle();
            return false;
        }
        await ProjectAsync(cancellationToken);
        await AppendConnectionUpdateAsync(cancellationToken);
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
            clients.Create(Name, store, InstanceSession.OwnershipCheck(inbox, epoch)), inbox, logger);
        _session = session;
        session.Start(pairingPhoneNumber);
        LogConnecting(Name, state.State.SessionEpoch, pairingPhoneNumber is not null);
        return true;
    }

    private async Task StopSessionAsync()
    {
        var session = _session;
        _session = null;
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

    private Task AppendQrCodeAsync(CancellationToken cancellationToken) =>
        AppendAsync(InstanceEventPayloads.QrCodeUpdated(Name, state.State.Id, state.State.OwnerJid,
            QrCodeUpdatedData.Create(Name, _qrCode.Count, _qrCode.Code, _qrCode.Base64, _qrCode.PairingCode)), cancellationToken);

    private Task AppendConnectionUpdateAsync(CancellationToken cancellationToken) =>
        AppendAsync(InstanceEventPayloads.ConnectionUpdate(
            Name, state.State.Id, state.State.OwnerJid, state.State.ActualConnectionState, state.State.StatusReason), cancellationToken);

    private async Task AppendAsync(InstanceEventDraft draft, CancellationToken cancellationToken)
    {
        var record = await events.AppendAsync(draft, cancellationToken);
        LogEvent(Name, record.Event, record.Sequence);
    }

    /// <summary>Applies a connection move; an illegal one (null) is logged and changes nothing.</summary>
    private bool TryMove(InstanceConnection? next, string transition)
    {
        if (next is not { } value)
        {
            LogIllegalTransition(Name, transition, state.State.ActualConnectionState);
            return false;
        }
        state.State.Connection = value;
        return true;
    }

    private InstanceConnectionView ConnectionView() => new(state.State.ActualConnectionState, state.State.StatusReason);

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        await state.WriteStateAsync();
        await registry.UpsertAsync(Snapshot(), cancellationToken);
        await ProjectAsync(cancellationToken);
    }

    private async Task SaveSessionStateAsync(CancellationToken cancellationToken)
    {
        await state.WriteStateAsync();
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} created with id {InstanceId}")]
    private partial void LogCreated(string instanceName, long instanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} (id {InstanceId}) deleted")]
    private partial void LogDeleted(string instanceName, long instanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} token rotated")]
    private partial void LogTokenRotated(string instanceName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} connecting to WhatsApp (session {Epoch}, pairing code {ByPairingCode})")]
    private partial void LogConnecting(string instanceName, long epoch, bool byPairingCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} linked as {Jid}")]
    private partial void LogPaired(string instanceName, string? jid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} connection open as {OwnerJid}")]
    private partial void LogOpen(string instanceName, string? ownerJid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} disconnected: {Reason} ({StatusReason}), reconnecting {WillReconnect}")]
    private partial void LogDisconnected(string instanceName, DisconnectReason reason, int statusReason, bool willReconnect);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} logged out")]
    private partial void LogLoggedOut(string instanceName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: the server could not be told about the logout; the device was wiped locally")]
    private partial void LogLogoutIncomplete(string instanceName, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: another activation owns the session (epoch {Epoch}); this one stops")]
    private partial void LogFenced(string instanceName, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: connection move {Transition} is not allowed from {ActualState}; ignored")]
    private partial void LogIllegalTransition(string instanceName, string transition, InstanceConnectionState actualState);

    [LoggerMessage(Level = LogLevel.Error, Message = "Instance {InstanceName} could not resume its session on activation; the watchdog retries")]
    private partial void LogResumeFailed(string instanceName, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instance {InstanceName} event {EventName} #{Sequence} recorded")]
    private partial void LogEvent(string instanceName, string eventName, long sequence);
}
