using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Chats;
using CodeChat.Grains.Events;
using CodeChat.Grains.Sessions;
using CodeChat.WhatsApp.Client;
using Orleans.Storage;

namespace CodeChat.Grains.Instances;

/// <summary>
/// <see cref="IInstanceSessionInbox"/>: what the running session's pump hands in (client events, and
/// the question asked before every automatic reconnect), applied on grain turns.
/// </summary>
public sealed partial class InstanceGrain
{
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
            await StepDownAsync();
        }
    }

    public async Task<bool> ConfirmSessionOwnershipAsync(long epoch)
    {
        var session = _session;
        if (session is null || session.Epoch != epoch)
            return false;
        // Rewriting the unchanged state succeeds only if nobody wrote since we did: a newer
        // activation's epoch write makes it fail, before this client can replace that live connection.
        return await TryWriteAsOwnerAsync();
    }

    public async Task AcceptIncomingMessageAsync(long epoch, ReceivedMessage message)
    {
        var session = _session;
        if (session is null || session.Epoch != epoch)
            throw new InvalidOperationException($"Session {epoch} of instance {Name} no longer owns it; message {message.Id} is left for the owner.");
        // The receipt waits for this: a failure here leaves the message unconfirmed, and WhatsApp
        // delivers it again.
        using var change = new CancellationTokenSource(ChangeTimeout, timeProvider);
        await StoreIncomingAsync(message, change.Token);
    }

    public async Task ReportUnprocessableMessageAsync(long epoch, UnprocessableMessage message)
    {
        var session = _session;
        if (session is null || session.Epoch != epoch)
            throw new InvalidOperationException($"Session {epoch} of instance {Name} no longer owns it; message {message.Id} is left for the owner.");
        using var change = new CancellationTokenSource(ChangeTimeout, timeProvider);
        await RecordUnprocessableAsync(message, change.Token);
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
                StageConnectionUpdate();
                await SaveAsync(cancellationToken);
                await RelayPendingEventsAsync(cancellationToken);
                ResetCode();
                LogOpen(Name, state.State.OwnerJid);
                ResendPendingInBackground(session);
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

            case SessionSignalKind.ClientOutdated:
                NoteClientOutdated(signal);
                break;

            case SessionSignalKind.PasskeyRequested or SessionSignalKind.PasskeyConfirmation or SessionSignalKind.PasskeyFailed:
                await ApplyPasskeyAsync(signal, cancellationToken);
                break;

            case SessionSignalKind.Presence when signal is { Jid: { } chat, Participant: { } participant, Text: { } presence }:
                await AppendAsync(ChatEventPayloads.PresenceUpdate(Name, state.State.Id, state.State.OwnerJid, chat, participant, presence, signal.LastSeen),
                    cancellationToken);
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
            // As Baileys reports it through CodeChat: the close with its reason, then a new attempt.
            Stage(InstanceEventPayloads.ConnectionUpdate(
                Name, state.State.Id, state.State.OwnerJid, InstanceConnectionState.Close, reason));
            Stage(InstanceEventPayloads.ConnectionUpdate(
                Name, state.State.Id, state.State.OwnerJid, InstanceConnectionState.Connecting, ConnectionStatusReasons.Ok));
            await SaveAsync(cancellationToken);
            await RelayPendingEventsAsync(cancellationToken);
            return;
        }

        if (signal.Reason == DisconnectReason.ClientOutdated)
        {
            await StopForOutdatedVersionAsync(reason, cancellationToken);
            return;
        }

        // Replaced, logged out, unscanned QR, refused login: reconnecting by ourselves would be wrong.
        var loggedOut = signal.Reason == DisconnectReason.LoggedOut;
        await EndSessionAsync(ConnectionStatusReasons.StateAfter(signal.Reason), reason,
            keepWanted: false, clearOwner: loggedOut, cancellationToken);
        if (loggedOut)
            await deviceStores.ForInstance(Name).WipeAsync(cancellationToken);
    }

    /// <param name="refusal">
    /// When set, the <c>connection.update</c> says "refused" with this reason (the operator must act before a
    /// connect can work) while the state itself becomes <paramref name="endState"/>.
    /// </param>
    private async Task EndSessionAsync(
        InstanceConnectionState endState, int statusReason, bool keepWanted, bool clearOwner, CancellationToken cancellationToken,
        string? refusal = null)
    {
        if (!TryMove(state.State.Connection.Ended(endState, statusReason, keepWanted, Now()), nameof(InstanceConnection.Ended)))
        {
            // The client ended all the same: stop it, but record nothing the state cannot explain.
            await StopSessionAsync();
            return;
        }
        if (clearOwner)
            state.State.OwnerJid = null;
        if (refusal is null)
            StageConnectionUpdate();
        else
            Stage(InstanceEventPayloads.ConnectionUpdate(
                Name, state.State.Id, state.State.OwnerJid, InstanceConnectionState.Refused, statusReason, refusal));
        await SaveAsync(cancellationToken);
        await RelayPendingEventsAsync(cancellationToken);
        await StopSessionAsync();
        if (!keepWanted)
            await UnregisterWatchdogAsync();
        ResetCode();
    }
}
