using CodeChat.Grains.Chats;
using CodeChat.WhatsApp.Client;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.Sessions;

/// <summary>
/// One running WhatsApp session of an instance activation: the <see cref="WaClient"/> and the
/// background tasks that connect it and pump its events into the grain (as calls on
/// <see cref="IInstanceSessionInbox"/>), so nothing here touches grain state. Disposal never waits
/// for the pump, which may itself be waiting for the grain turn that disposes it.
/// </summary>
internal sealed partial class InstanceSession : IAsyncDisposable
{
    private readonly IInstanceSessionInbox _inbox;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lifetime = new();
    private int _disposed;

    public InstanceSession(string instanceName, long epoch, WaClient client, IInstanceSessionInbox inbox, ILogger logger)
    {
        InstanceName = instanceName;
        Epoch = epoch;
        Client = client;
        _inbox = inbox;
        _logger = logger;
    }

    public string InstanceName { get; }

    /// <summary>The session epoch persisted when this session started; the grain drops signals of other epochs.</summary>
    public long Epoch { get; }

    public WaClient Client { get; }

    /// <summary>The session's app-state sync, started with the session; set before <see cref="Start"/>.</summary>
    public AppState.AppStateSync? AppState { get; set; }

    /// <summary>Cancelled when the session stops: work tied to this session (a send's delay, its ack) ends with it.</summary>
    /// <exception cref="ObjectDisposedException">The session was disposed already.</exception>
    public CancellationToken Lifetime => _lifetime.Token;

    /// <summary>True once the device was linked (or was linked before this session started).</summary>
    public bool IsPaired => Client.Credentials?.IsPaired == true;

    /// <summary>
    /// The reconnect fence for the client of session <paramref name="epoch"/>: asks the grain, on a
    /// grain turn, whether that session still owns the instance. Bounded by the client's token, so a
    /// grain turn that disposes this session while the question is pending does not wait for itself.
    /// </summary>
    public static Func<CancellationToken, ValueTask<bool>> OwnershipCheck(IInstanceSessionInbox inbox, long epoch) =>
        async token => await inbox.ConfirmSessionOwnershipAsync(epoch).WaitAsync(token);

    /// <summary>
    /// The durable hook of the client of session <paramref name="epoch"/>: hands each decrypted
    /// message to the grain and completes when the grain accepted it, before the receipt goes out.
    /// Bounded by the client's token like <see cref="OwnershipCheck"/>.
    /// </summary>
    public static Func<IncomingMessage, CancellationToken, ValueTask> MessageHook(IInstanceSessionInbox inbox, long epoch) =>
        async (message, token) => await inbox.AcceptIncomingMessageAsync(epoch, ReceivedMessage.From(message)).WaitAsync(token);

    /// <summary>
    /// The durable report hook of the client of session <paramref name="epoch"/> for messages it gave
    /// up on; bounded by the client's token like <see cref="MessageHook"/>.
    /// </summary>
    public static Func<MessageDecryptionFailedEvent, CancellationToken, ValueTask> FailureHook(IInstanceSessionInbox inbox, long epoch) =>
        async (failure, token) => await inbox.ReportUnprocessableMessageAsync(epoch, UnprocessableMessage.From(failure)).WaitAsync(token);

    /// <summary>
    /// The durable group-notification hook of the client of session <paramref name="epoch"/>: the
    /// notification becomes its events here, beside the grain, and the grain records them.
    /// </summary>
    public static Func<CodeChat.WhatsApp.Groups.GroupNotification, CancellationToken, ValueTask> GroupNotificationHook(IInstanceSessionInbox inbox, long epoch) =>
        async (notification, token) =>
        {
            var groupEvents = Groups.GroupEventPayloads.From(notification);
            if (groupEvents.Count > 0)
                await inbox.AcceptGroupEventsAsync(epoch, groupEvents).WaitAsync(token);
        };

    /// <summary>The durable call hook of the client of session <paramref name="epoch"/>; bounded by the client's token like <see cref="MessageHook"/>.</summary>
    public static Func<IncomingCall, CancellationToken, ValueTask> CallHook(IInstanceSessionInbox inbox, long epoch) =>
        async (call, token) => await inbox.AcceptCallAsync(epoch, Contacts.CallEventData.Of(call)).WaitAsync(token);

    /// <summary>Starts pumping events and connecting; with a phone number, requests a pairing code once connected.</summary>
    public void Start(string? pairingPhoneNumber)
    {
        var token = _lifetime.Token;
        if (AppState is { } appState)
            _ = Task.Run(() => appState.RunAsync(token), CancellationToken.None);
        _ = Task.Run(() => PumpAsync(token), CancellationToken.None);
        _ = Task.Run(() => ConnectAsync(pairingPhoneNumber, token), CancellationToken.None);
    }

    /// <summary>Requests a pairing code on the running connection, in the background.</summary>
    public void RequestPairingCode(string phoneNumber)
    {
        var token = _lifetime.Token;
        _ = Task.Run(() => RequestPairingCodeAsync(phoneNumber, token), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await _lifetime.CancelAsync();
        try
        {
            await Client.DisposeAsync();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogDisposeFailed(InstanceName, exception);
        }
        _lifetime.Dispose();
    }

    private async Task ConnectAsync(string? pairingPhoneNumber, CancellationToken token)
    {
        try
        {
            await Client.ConnectAsync(token);
        }
        catch (Exception exception) when (!token.IsCancellationRequested)
        {
            LogConnectFailed(InstanceName, exception);
            await DeliverAsync(new SessionSignal(SessionSignalKind.ConnectFailed, Text: exception.GetType().Name), token);
            return;
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            return;
        }

        if (pairingPhoneNumber is not null)
            await RequestPairingCodeAsync(pairingPhoneNumber, token);
    }

    private async Task RequestPairingCodeAsync(string phoneNumber, CancellationToken token)
    {
        try
        {
            // The code also arrives as a PairingCodeEvent through the pump.
            await Client.RequestPairingCodeAsync(phoneNumber, token);
        }
        catch (Exception exception) when (!token.IsCancellationRequested)
        {
            LogPairingCodeFailed(InstanceName, exception);
            await DeliverAsync(new SessionSignal(SessionSignalKind.PairingCodeFailed, Text: exception.Message), token);
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
        }
    }

    private async Task PumpAsync(CancellationToken token)
    {
        try
        {
            await foreach (var @event in Client.ReadEventsAsync(token))
            {
                // The API contract has no webhook event for it; the instance's log records it.
                if (@event is IdentityChangedEvent changed)
                    LogContactIdentityChanged(InstanceName, changed.Device.ToString());
                // App state syncs beside the grain: after every login (what changed while we were away)
                // and whenever the server says a collection changed.
                if (@event is ConnectedEvent)
                    AppState?.Request(WhatsApp.AppState.AppStateCollections.All);
                else if (@event is AppStateSyncRequestedEvent syncRequested)
                    AppState?.Request(syncRequested.Collections);
                if (@event is ReceiptReceivedEvent receipt)
                {
                    if (SentMessageReceipt.Of(receipt) is { } forOurs)
                        await DeliverReceiptAsync(forOurs, token);
                }
                else if (ToSignal(@event) is { } signal)
                {
                    await DeliverAsync(signal, token);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            LogPumpFailed(InstanceName, exception);
        }
    }

    // One lost signal must not stop the pump, even one lost to a cancellation that is not ours (a
    // timed-out call inside the grain); the watchdog repairs a state that drifted.
    private Task DeliverAsync(SessionSignal signal, CancellationToken token) =>
        HandToGrainAsync(() => _inbox.DeliverAsync(Epoch, signal), exception => LogDeliveryFailed(InstanceName, signal.Kind, exception), token);

    // A lost receipt leaves a status behind; the next receipt of the message moves it on.
    private Task DeliverReceiptAsync(SentMessageReceipt receipt, CancellationToken token) =>
        HandToGrainAsync(() => _inbox.AcceptReceiptAsync(Epoch, receipt), exception => LogReceiptLost(InstanceName, receipt.Status, exception), token);

    private static async Task HandToGrainAsync(Func<Task> call, Action<Exception> logLost, CancellationToken token)
    {
        if (token.IsCancellationRequested)
            return;
        try
        {
            await call();
        }
        catch (Exception exception) when (!token.IsCancellationRequested)
        {
            logLost(exception);
        }
    }

    internal static SessionSignal? ToSignal(WaEvent @event) => @event switch
    {
        QrCodeEvent qr => new SessionSignal(SessionSignalKind.QrCode, Text: qr.Code, Count: qr.Count),
        PairingCodeEvent code => new SessionSignal(SessionSignalKind.PairingCode, Text: code.Code),
        PairSuccessEvent paired => new SessionSignal(SessionSignalKind.PairSuccess, Jid: paired.Jid.ToString(), Lid: paired.Lid?.ToString()),
        ConnectedEvent connected => new SessionSignal(SessionSignalKind.Connected,
            Jid: connected.Jid.ToString(), Lid: connected.Lid?.ToString(), PushName: connected.PushName),
        DisconnectedEvent disconnected => new SessionSignal(SessionSignalKind.Disconnected,
            Text: disconnected.Code, Reason: disconnected.Reason, WillReconnect: disconnected.WillReconnect),
        LoggedOutEvent loggedOut => new SessionSignal(SessionSignalKind.LoggedOut, Text: loggedOut.Reason),
        PasskeyRequestedEvent passkey => new SessionSignal(SessionSignalKind.PasskeyRequested, Text: passkey.Options.Json),
        PasskeyConfirmationEvent confirmation => new SessionSignal(SessionSignalKind.PasskeyConfirmation, Text: confirmation.Code, Flag: confirmation.SkipHandoff),
        PasskeyErrorEvent failed => new SessionSignal(SessionSignalKind.PasskeyFailed, Text: failed.Message, Flag: failed.TimedOut),
        ClientOutdatedEvent outdated => new SessionSignal(SessionSignalKind.ClientOutdated,
            Text: outdated.Rejected.ToString(), RetryVersion: outdated.RetryWith?.ToString()),
        PresenceEvent presence => new SessionSignal(SessionSignalKind.Presence, Text: PresenceNames.Of(presence.State),
            Jid: presence.Chat.ToString(), Participant: presence.Participant.ToString(), LastSeen: presence.LastSeen?.ToUnixTimeSeconds()),
        // Stream errors are followed by a DisconnectedEvent; raw nodes and rejected pair-success
        // attempts change nothing the grain keeps.
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: WhatsApp connection failed")]
    private partial void LogConnectFailed(string instanceName, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: pairing code request failed")]
    private partial void LogPairingCodeFailed(string instanceName, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Instance {InstanceName}: session event pump stopped")]
    private partial void LogPumpFailed(string instanceName, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: could not hand the {SignalKind} event to the grain")]
    private partial void LogDeliveryFailed(string instanceName, SessionSignalKind signalKind, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: could not hand a {Status} receipt to the grain")]
    private partial void LogReceiptLost(string instanceName, Abstractions.Messages.MessageStatus status, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: contact device {Device} re-installed WhatsApp; its new identity key was accepted")]
    private partial void LogContactIdentityChanged(string instanceName, string device);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: stopping the WhatsApp client failed")]
    private partial void LogDisposeFailed(string instanceName, Exception exception);
}
