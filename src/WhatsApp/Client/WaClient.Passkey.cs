using System.Security.Cryptography;
using System.Text;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Pairing;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: passkey-required linking (whatsapp-protocol.md §4.5, the WebAuthn "shortcake" flow; whatsmeow
// keeps it in pair-passkey.go). After the QR scan or the typed pairing code, WhatsApp may ask for a
// passkey assertion before the phone sends pair-success: the request options, the handoff key and the
// ADV-secret rotation, the prologue with the assertion, the phone's continuation, the confirmation code
// and the sealed pairing request. Kept apart from QR and pairing-code linking, which it follows.
public sealed partial class WaClient
{
    /// <summary>
    /// Sends the browser's assertion for the pending <see cref="PasskeyRequestedEvent"/> (§4.5 step 3): asks
    /// for the <c>&lt;ref&gt;</c>, commits to a fresh ephemeral identity and sends <c>passkey_prologue</c>,
    /// with the handoff proof while the handoff key is valid (5 minutes). The phone's continuation then
    /// raises <see cref="PasskeyConfirmationEvent"/>.
    /// </summary>
    /// <exception cref="WaClientException">No passkey was requested on this connection, or an assertion was already sent.</exception>
    /// <exception cref="WaIqException">WhatsApp refused the assertion (a forged signature, a stale challenge…).</exception>
    public async Task SendPasskeyAssertionAsync(WebAuthnAssertion assertion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        var session = Volatile.Read(ref _session) ?? throw new WaClientException("Not connected.");
        var pending = session.PendingPasskey ?? throw new WaClientException("WhatsApp has not asked for a passkey on this connection.");
        lock (pending)
        {
            if (pending.AssertionClaimed)
            {
                throw new WaClientException("An assertion was already sent for this passkey request.");
            }
            // Claimed before the first await, so a second call cannot interleave with this one.
            pending.AssertionClaimed = true;
        }

        try
        {
            var refResponse = await SendIqAsync(ClientNodes.Iq("md", "get", PasskeyNodes.RefQuery()), cancellationToken).ConfigureAwait(false);
            var pairingRef = refResponse.GetChild("ref")?.Bytes is { } refBytes
                ? Encoding.UTF8.GetString(refBytes.Span)
                : refResponse.GetChild("ref")?.Content.Text ?? throw new WaClientException("The server returned no <ref> for the passkey prologue.");
            var link = CompanionPasskeyLink.Create(pairingRef, _options.Payload.PlatformType);
            var handoff = pending.Handoff;
            var proof = handoff is not null && handoff.IsValidAt(_time.GetUtcNow()) ? handoff.Prove(link.ProloguePayload) : null;
            lock (pending)
            {
                pending.Link = link;
                pending.SkipHandoff = proof is not null;
            }
            await SendIqAsync(ClientNodes.Iq("md", "set", PasskeyNodes.Prologue(assertion, link.ProloguePayload, proof)), cancellationToken).ConfigureAwait(false);
            Log.PasskeyPrologueSent(_logger, proof is not null);
        }
        finally
        {
            // The proof is for one prologue only (whatsmeow drops the key after sending), and a refused
            // assertion is not retried on this request: WhatsApp's challenge was spent.
            if (pending.Handoff is { } used)
            {
                pending.Handoff = null;
                used.Clear();
            }
        }
    }

    /// <summary>
    /// Confirms the code of <see cref="PasskeyConfirmationEvent"/> (§4.5 step 5): sends the pairing request
    /// (noise key, identity key and the new ADV secret) sealed with the key of the continuation. The phone
    /// then sends pair-success, verified with that ADV secret.
    /// </summary>
    /// <exception cref="WaClientException">No continuation has arrived on this connection.</exception>
    public async Task ConfirmPasskeyAsync(CancellationToken cancellationToken = default)
    {
        var session = Volatile.Read(ref _session) ?? throw new WaClientException("Not connected.");
        var pending = session.PendingPasskey;
        var continuation = pending?.Continuation ?? throw new WaClientException("The phone has not answered the passkey prologue yet.");
        var credentials = Credentials ?? throw new WaClientException("Not connected.");
        var sealedRequest = CompanionPasskeyLink.SealPairingRequest(
            continuation.EncryptionKey, credentials.NoiseKey.PublicKey, credentials.IdentityKey.PublicKey, credentials.AdvSecretKey,
            RandomNumberGenerator.GetBytes(12));
        await SendIqAsync(ClientNodes.Iq("md", "set", PasskeyNodes.EncryptedPairingRequest(sealedRequest)), cancellationToken).ConfigureAwait(false);
        session.PendingPasskey = null;
        CryptographicOperations.ZeroMemory(continuation.EncryptionKey);
        Log.PasskeyConfirmed(_logger);
    }

    /// <summary>
    /// <c>passkey_prologue_request</c> (§4.5 steps 1–2): reads the options (or fetches them when the
    /// notification's are unreadable), derives the handoff key from the ADV secret the phone knows, then
    /// replaces that secret with fresh random bytes (durably, before anyone can answer) and raises
    /// <see cref="PasskeyRequestedEvent"/>. The QR rotation stops: the scan already happened.
    /// </summary>
    private async Task HandlePasskeyRequestAsync(WaClientSession session, Node notification)
    {
        try
        {
            PasskeyRequestOptions options;
            try
            {
                options = ReadPasskeyOptions(notification);
            }
            catch (Exception exception) when (exception is PairingException or WaBinaryException)
            {
                Log.PasskeyOptionsRefetched(_logger, exception.Message);
                var response = await SendIqAsync(ClientNodes.Iq("md", "get", PasskeyNodes.RequestOptionsQuery()), session.Token).ConfigureAwait(false);
                options = ReadPasskeyOptions(response);
            }
            var credentials = Credentials ?? throw new WaClientException("No credentials while pairing.");
            var handoff = PasskeyHandoffKey.Derive(credentials.AdvSecretKey, _time.GetUtcNow());
            await UpdateCredentialsAsync(current => current with { AdvSecretKey = RandomNumberGenerator.GetBytes(32) }, session.Token).ConfigureAwait(false);
            session.StopQrLoop();
            var pending = new PendingPasskey(options, handoff);
            session.PendingPasskey = pending;
            Log.PasskeyRequested(_logger, options.RelyingPartyId);
            Publish(new PasskeyRequestedEvent(options));
            session.Track(Task.Run(() => EndPasskeyFlowWhenDueAsync(session, pending), CancellationToken.None));
        }
        catch (Exception exception) when (exception is PairingException or WaBinaryException or WaClientException or TimeoutException)
        {
            Log.PasskeyFailed(_logger, false, exception);
            Publish(new PasskeyErrorEvent(exception.Message, Continuation: false));
        }
    }

    /// <summary>
    /// <c>crsc_continuation</c> (§4.5 step 4): the phone's ephemeral identity; reveals our nonce, derives the
    /// request key and the confirmation code, and raises <see cref="PasskeyConfirmationEvent"/>.
    /// </summary>
    private async Task HandlePasskeyContinuationAsync(WaClientSession session, Node notification)
    {
        try
        {
            var pending = session.PendingPasskey;
            CompanionPasskeyLink? link;
            bool skipHandoff;
            lock (pending ?? new object())
            {
                link = pending?.Link;
                skipHandoff = pending?.SkipHandoff ?? false;
            }
            if (pending is null || link is null)
            {
                throw new WaClientException("A passkey continuation arrived before any passkey prologue was sent.");
            }
            var primary = notification.GetChild("primary_ephemeral_identity")?.Bytes
                ?? throw new PairingException(PairingError.InternalError, "The continuation has no primary_ephemeral_identity.");
            var continuation = link.Continue(primary.Span);
            await SendIqAsync(ClientNodes.Iq("md", "set", PasskeyNodes.CompanionNonce(link.Nonce)), session.Token).ConfigureAwait(false);
            pending.Continuation = continuation;
            Log.PasskeyContinued(_logger, skipHandoff);
            Publish(new PasskeyConfirmationEvent(continuation.Code, skipHandoff));
        }
        catch (Exception exception) when (exception is PairingException or WaBinaryException or WaClientException or TimeoutException or CryptographicException)
        {
            Log.PasskeyFailed(_logger, true, exception);
            Publish(new PasskeyErrorEvent(exception.Message, Continuation: true));
        }
    }

    /// <summary>
    /// The whole flow gets <see cref="WaClientOptions.PasskeyFlowTimeout"/>, as an unscanned QR gets its
    /// refs: then the attempt is dropped and the connection ends, so the next connect starts with a new QR.
    /// </summary>
    private async Task EndPasskeyFlowWhenDueAsync(WaClientSession session, PendingPasskey pending)
    {
        try
        {
            await Task.Delay(_options.PasskeyFlowTimeout, _time, session.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (!ReferenceEquals(session.PendingPasskey, pending))
        {
            return; // confirmed (or replaced) in time
        }
        session.PendingPasskey = null;
        pending.Handoff?.Clear();
        Log.PasskeyTimedOut(_logger, _options.PasskeyFlowTimeout);
        Publish(new PasskeyErrorEvent("The passkey linking was not finished in time.", Continuation: false, TimedOut: true));
        session.End(new SessionEnd(DisconnectReason.PasskeyTimeout, null, Reconnect: false));
    }

    private static PasskeyRequestOptions ReadPasskeyOptions(Node parent)
    {
        var node = parent.GetChild("passkey_request_options")
            ?? throw new PairingException(PairingError.InternalError, "No passkey_request_options element.");
        if (node.Bytes is { } bytes)
        {
            return PasskeyRequestOptions.Parse(bytes.Span);
        }
        return node.Content.Text is { } text
            ? PasskeyRequestOptions.Parse(Encoding.UTF8.GetBytes(text))
            : throw new PairingException(PairingError.InternalError, "The passkey_request_options element is empty.");
    }

    private static partial class Log
    {
        [LoggerMessage(80, LogLevel.Information, "WhatsApp asks for a passkey for relying party {RelyingPartyId} before linking")]
        public static partial void PasskeyRequested(ILogger logger, string relyingPartyId);

        [LoggerMessage(81, LogLevel.Warning, "The passkey notification's options were unreadable ({Reason}); fetching them")]
        public static partial void PasskeyOptionsRefetched(ILogger logger, string reason);

        [LoggerMessage(82, LogLevel.Information, "Passkey prologue sent (handoff proof: {WithHandoffProof})")]
        public static partial void PasskeyPrologueSent(ILogger logger, bool withHandoffProof);

        [LoggerMessage(83, LogLevel.Information, "The phone continued the passkey linking (skip handoff: {SkipHandoff})")]
        public static partial void PasskeyContinued(ILogger logger, bool skipHandoff);

        [LoggerMessage(84, LogLevel.Information, "Passkey linking confirmed; waiting for pair-success")]
        public static partial void PasskeyConfirmed(ILogger logger);

        [LoggerMessage(86, LogLevel.Information, "The passkey linking was not finished within {Timeout}; disconnecting")]
        public static partial void PasskeyTimedOut(ILogger logger, TimeSpan timeout);

        [LoggerMessage(85, LogLevel.Warning, "Passkey linking failed (continuation: {Continuation})")]
        public static partial void PasskeyFailed(ILogger logger, bool continuation, Exception exception);
    }
}
