using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Events;
using CodeChat.Grains.Sessions;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Pairing;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.Instances;

/// <summary>
/// <see cref="IInstancePasskeyGrain"/>: passkey-required linking (issue 15, whatsapp-protocol.md §4.5). The
/// stage is kept in the activation only, as the QR is: it lasts as long as the client's flow timeout and a
/// restart mid-flow must start over with a new QR anyway. Codes go to the outbox directly (never staged in
/// the record) and are redacted there once delivered, like the QR.
/// </summary>
public sealed partial class InstanceGrain
{
    private InstancePasskeyView _passkey = InstancePasskeyView.Idle;
    private TaskCompletionSource _passkeyProgress = NewSignal();

    private TimeSpan PasskeyFlowTimeout => whatsAppOptions.Value.PasskeyFlowTimeout ?? PasskeyHandoffKey.Validity;

    public Task<InstancePasskeyView?> GetPasskeyAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(state.State.Exists ? _passkey : null);

    public async Task<InstancePasskeyView?> WaitForPasskeyProgressAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var progress = _passkeyProgress.Task;
        if (_passkey.Stage == InstancePasskeyView.AwaitingAssertion && !progress.IsCompleted)
            await BoundedWait.ForAsync(progress, timeout > MaxCodeWait ? MaxCodeWait : timeout, timeProvider, cancellationToken);
        return state.State.Exists ? _passkey : null;
    }

    public async Task<PasskeyCommandResult> SubmitPasskeyAssertionAsync(string assertionJson, CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return new PasskeyCommandResult(PasskeyCommandOutcome.NotFound);
        if (_session is not { } session || _passkey.Stage != InstancePasskeyView.AwaitingAssertion)
            return new PasskeyCommandResult(PasskeyCommandOutcome.WrongStage, _passkey);

        using var change = BeginChange(cancellationToken);
        WebAuthnAssertion assertion;
        using (var document = JsonDocument.Parse(assertionJson))
            assertion = WebAuthnAssertion.FromJson(document.RootElement);
        try
        {
            await session.Client.SendPasskeyAssertionAsync(assertion, change.Token);
        }
        catch (WaIqException refused)
        {
            // WhatsApp checked the assertion (signature, challenge, credential) and said no.
            await FailPasskeyAsync("assertion_refused", $"WhatsApp refused the passkey assertion ({refused.Code}).", change.Token);
            return new PasskeyCommandResult(PasskeyCommandOutcome.Refused, _passkey);
        }
        catch (WaClientException)
        {
            // Another assertion went first, or the connection is gone: the stage says which.
            return new PasskeyCommandResult(PasskeyCommandOutcome.WrongStage, _passkey);
        }
        catch (TimeoutException)
        {
            await FailPasskeyAsync("failed", "WhatsApp did not answer the passkey assertion in time.", change.Token);
            return new PasskeyCommandResult(PasskeyCommandOutcome.Refused, _passkey);
        }
        LogPasskeyAssertionSent(Name);
        return new PasskeyCommandResult(PasskeyCommandOutcome.Accepted, _passkey);
    }

    public async Task<PasskeyCommandResult> ConfirmPasskeyAsync(string? code, CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return new PasskeyCommandResult(PasskeyCommandOutcome.NotFound);
        if (_session is not { } session || _passkey.Stage != InstancePasskeyView.AwaitingConfirmation)
            return new PasskeyCommandResult(PasskeyCommandOutcome.WrongStage, _passkey);
        if (code is null && !_passkey.SkipHandoff)
            return new PasskeyCommandResult(PasskeyCommandOutcome.CodeRequired, _passkey);

        using var change = BeginChange(cancellationToken);
        if (code is not null && NormalizeCode(code) != NormalizeCode(_passkey.Code ?? ""))
        {
            // The phone shows another code: someone else's companion answered, or the user misread it.
            await FailPasskeyAsync("code_mismatch", "The confirmation code does not match the one this instance derived.", change.Token);
            return new PasskeyCommandResult(PasskeyCommandOutcome.CodeMismatch, _passkey);
        }
        try
        {
            await session.Client.ConfirmPasskeyAsync(change.Token);
        }
        catch (Exception exception) when (exception is WaClientException or TimeoutException)
        {
            await FailPasskeyAsync("failed", "WhatsApp did not accept the pairing request.", change.Token);
            return new PasskeyCommandResult(PasskeyCommandOutcome.Refused, _passkey);
        }
        LogPasskeyConfirmed(Name);
        SetPasskey(InstancePasskeyView.Idle);
        return new PasskeyCommandResult(PasskeyCommandOutcome.Accepted, _passkey);
    }

    /// <summary>The passkey signals of the session pump.</summary>
    private async Task ApplyPasskeyAsync(SessionSignal signal, CancellationToken cancellationToken)
    {
        switch (signal.Kind)
        {
            case SessionSignalKind.PasskeyRequested when signal.Text is { Length: > 0 } options:
                var expiresAt = Now() + PasskeyFlowTimeout;
                SetPasskey(new InstancePasskeyView(InstancePasskeyView.AwaitingAssertion, options, null, false, expiresAt));
                LogPasskeyRequested(Name);
                using (var document = JsonDocument.Parse(options))
                {
                    await RelayPendingEventsAsync(cancellationToken);
                    await AppendAsync(InstanceEventPayloads.PasskeyRequest(Name, state.State.Id, state.State.OwnerJid,
                        new PasskeyRequestData(Name, InstancePasskeyView.AwaitingAssertion, document.RootElement.Clone(), expiresAt,
                            $"/instance/passkey/{Uri.EscapeDataString(Name)}/assertion")), cancellationToken);
                }
                break;

            case SessionSignalKind.PasskeyConfirmation when signal.Text is { Length: > 0 } code && _passkey.Stage != InstancePasskeyView.None:
                var display = PairingCode.IsValid(code) ? PairingCode.FormatForDisplay(code) : code;
                SetPasskey(_passkey with { Stage = InstancePasskeyView.AwaitingConfirmation, OptionsJson = null, Code = display, SkipHandoff = signal.Flag });
                LogPasskeyAwaitingConfirmation(Name, signal.Flag);
                await RelayPendingEventsAsync(cancellationToken);
                await AppendAsync(InstanceEventPayloads.PasskeyConfirmation(Name, state.State.Id, state.State.OwnerJid,
                    new PasskeyConfirmationData(Name, InstancePasskeyView.AwaitingConfirmation, display, signal.Flag,
                        $"/instance/passkey/{Uri.EscapeDataString(Name)}/confirm")), cancellationToken);
                break;

            case SessionSignalKind.PasskeyFailed when _passkey.Stage != InstancePasskeyView.None:
                await FailPasskeyAsync(signal.Flag ? "timeout" : "failed",
                    signal.Flag ? "The passkey linking was not finished in time." : "WhatsApp's passkey linking could not be continued.", cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Ends a passkey linking that cannot go on: <c>passkey.error</c>, the stage cleared, the session closed
    /// (not wanted), so the next connect starts over with a new QR.
    /// </summary>
    private async Task FailPasskeyAsync(string reason, string message, CancellationToken cancellationToken)
    {
        LogPasskeyFailed(Name, reason);
        SetPasskey(InstancePasskeyView.Idle);
        await RelayPendingEventsAsync(cancellationToken);
        await AppendAsync(InstanceEventPayloads.PasskeyError(Name, state.State.Id, state.State.OwnerJid,
            new PasskeyErrorData(Name, reason, message)), cancellationToken);
        await EndSessionAsync(InstanceConnectionState.Close,
            reason == "timeout" ? ConnectionStatusReasons.TimedOut : ConnectionStatusReasons.Forbidden,
            keepWanted: false, clearOwner: false, cancellationToken);
    }

    private void SetPasskey(InstancePasskeyView next)
    {
        _passkey = next;
        if (next.Stage != InstancePasskeyView.AwaitingAssertion)
        {
            _passkeyProgress.TrySetResult();
            _passkeyProgress = NewSignal();
        }
    }

    /// <summary>The stage shown beside the connection state while a linking lasts.</summary>
    private string? PasskeyStageOrNull() => _passkey.Stage == InstancePasskeyView.None ? null : _passkey.Stage;

    private static string NormalizeCode(string code) =>
        new([.. code.Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant)]);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: WhatsApp asks for the account's passkey before linking")]
    private partial void LogPasskeyRequested(string instanceName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: passkey assertion accepted by WhatsApp")]
    private partial void LogPasskeyAssertionSent(string instanceName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: passkey confirmation code ready (skip handoff: {SkipHandoff})")]
    private partial void LogPasskeyAwaitingConfirmation(string instanceName, bool skipHandoff);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: passkey linking confirmed; waiting for pair-success")]
    private partial void LogPasskeyConfirmed(string instanceName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: passkey linking ended ({Reason}); connect again for a new QR")]
    private partial void LogPasskeyFailed(string instanceName, string reason);
}
