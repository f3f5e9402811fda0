using System.Text;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Pairing;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: QR pairing (whatsapp-protocol.md §4.1–§4.3; whatsmeow's pair.go): the pair-device refs
// become rotating QR codes, and pair-success is verified, persisted and answered. Pair-success
// also ends the pairing-code flow, which keeps its own first half in WaClient.PairingCode.cs.
public sealed partial class WaClient
{
    /// <summary>Acknowledges pair-device and shows its refs as QR codes, replacing any earlier set.</summary>
    private async Task HandlePairDeviceAsync(WaClientSession session, Node iq, Node pairDevice)
    {
        await session.Connection.SendAsync(PairingNodes.IqResult(iq.GetRequiredAttribute("id")), session.Token).ConfigureAwait(false);
        var refs = pairDevice.GetChildren("ref")
            .Select(reference => reference.Bytes is { } bytes ? Encoding.UTF8.GetString(bytes.Span) : reference.Content.Text)
            .OfType<string>()
            .ToList();
        _backoff.Reset();
        session.PairDeviceSeen.TrySetResult();
        var qrToken = session.RestartQrLoop();
        session.Track(Task.Run(() => QrLoopAsync(session, refs, qrToken), CancellationToken.None));
    }

    private async Task QrLoopAsync(WaClientSession session, IReadOnlyList<string> refs, CancellationToken cancellationToken)
    {
        var credentials = Credentials;
        if (credentials is null)
        {
            return;
        }
        try
        {
            for (var index = 0; index < refs.Count; index++)
            {
                var code = PairingQrCode.Create(
                    refs[index], credentials.NoiseKey.ToPublicKey(), credentials.IdentityKey.ToPublicKey(), credentials.AdvSecretKey, _options.ClientType);
                Publish(new QrCodeEvent(code, index + 1));
                await Task.Delay(index == 0 ? _options.QrFirstRefTimeout : _options.QrNextRefTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            Log.QrTimeout(_logger);
            session.End(new SessionEnd(DisconnectReason.QrTimeout, null, Reconnect: false));
        }
        catch (OperationCanceledException)
        {
            // Scanned, replaced by new refs, or the connection ended.
        }
    }

    private async Task HandlePairSuccessAsync(WaClientSession session, Node iq)
    {
        var stanza = PairSuccessStanza.Parse(iq);
        var credentials = Credentials ?? throw new WaClientException("No credentials while pairing.");
        VerifiedDeviceIdentity verified;
        try
        {
            verified = CompanionDeviceIdentity.Verify(stanza.DeviceIdentity.Span, credentials.AdvSecretKey, credentials.IdentityKey.ToKeyPair());
        }
        catch (PairingException exception)
        {
            Log.PairingRejected(_logger, exception.Error.Text, exception);
            await session.Connection.SendAsync(PairingNodes.PairError(stanza.IqId, exception.Error), session.Token).ConfigureAwait(false);
            Publish(new PairErrorEvent(exception.Error.Text, exception.Message));
            return;
        }
        session.StopQrLoop();

        // Persist the account before answering: once the phone sees pair-device-sign it considers us linked.
        await UpdateCredentialsAsync(current => current with
        {
            Account = verified.Account.ToByteArray(),
            Jid = stanza.Jid.ToString(),
            Lid = stanza.Lid?.ToString(),
            Platform = stanza.Platform,
            BusinessName = stanza.BusinessName,
            KeyIndex = verified.KeyIndex,
        }, session.Token).ConfigureAwait(false);
        if (stanza.Lid is { } lid)
        {
            // The account signature key is the primary device's identity (§4.3 step 6).
            await _store.SaveIdentityAsync(lid.ToNonAd(), verified.AccountSignatureKey, session.Token).ConfigureAwait(false);
            await _store.SaveLidMappingAsync(lid, stanza.Jid, session.Token).ConfigureAwait(false);
        }
        await session.Connection.SendAsync(PairingNodes.PairDeviceSign(stanza.IqId, verified.CreateReplyIdentity(), verified.KeyIndex), session.Token).ConfigureAwait(false);
        Log.Paired(_logger, stanza.Jid.ToString(), stanza.Platform);
        Publish(new PairSuccessEvent(stanza.Jid, stanza.Lid, stanza.Platform, stanza.BusinessName));
    }

    private static partial class Log
    {
        [LoggerMessage(9, LogLevel.Information, "All QR codes expired without a scan")]
        public static partial void QrTimeout(ILogger logger);

        [LoggerMessage(10, LogLevel.Warning, "Rejected pair-success: {Error}")]
        public static partial void PairingRejected(ILogger logger, string error, Exception exception);

        [LoggerMessage(11, LogLevel.Information, "Paired as {Jid} with a {Platform} phone")]
        public static partial void Paired(ILogger logger, string jid, string? platform);
    }
}
