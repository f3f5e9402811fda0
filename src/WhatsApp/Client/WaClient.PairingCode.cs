using System.Text;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Pairing;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: linking by phone number (whatsapp-protocol.md §4.4; whatsmeow keeps it in pair-code.go).
// The companion asks for a code, the user types it on the phone, and the phone's
// link_code_companion_reg notification carries what finishes the key exchange. Kept apart from
// QR pairing because the two flows share only the pair-success that follows.
public sealed partial class WaClient
{
    /// <summary>
    /// Links by phone number instead of QR (§4.4): returns the 8-character code the user types on the
    /// phone, without a dash as Baileys' requestPairingCode returns it (format it for display with
    /// <see cref="PairingCode.FormatForDisplay"/>), also raised as <see cref="PairingCodeEvent"/>.
    /// Call after <see cref="ConnectAsync"/> on an unpaired device.
    /// </summary>
    /// <param name="phoneNumber">International number as <see cref="PhoneNumber"/> accepts it (country code first; a leading +, spaces and dashes are allowed).</param>
    /// <exception cref="ArgumentException">The number is not a valid international number.</exception>
    public async Task<string> RequestPairingCodeAsync(string phoneNumber, CancellationToken cancellationToken = default)
    {
        var digits = PhoneNumber.Normalize(phoneNumber);
        var session = Volatile.Read(ref _session) ?? throw new WaClientException("Not connected.");
        var credentials = Credentials ?? throw new WaClientException("Not connected.");
        if (credentials.IsPaired)
        {
            throw new WaClientException("This device is already paired.");
        }
        await session.PairDeviceSeen.Task.WaitAsync(_options.IqTimeout, _time, cancellationToken).ConfigureAwait(false);

        var pairing = CompanionPairingCode.Create();
        var phone = new Jid(digits, JidServers.User);
        var hello = PairingNodes.CompanionHello(
            phone, pairing.WrapEphemeralKey(), credentials.NoiseKey.PublicKey, _options.ClientType, _options.ClientDisplayName);
        var response = await SendIqAsync(ClientNodes.Iq("md", "set", hello), cancellationToken).ConfigureAwait(false);
        var reference = response.GetChildByPath("link_code_companion_reg", "link_code_pairing_ref")?.Bytes
            ?? throw new WaClientException("The server did not return a pairing-code ref.");
        session.PendingPairingCode = new PendingPairingCode(pairing, phone, Encoding.UTF8.GetString(reference.Span));
        Log.PairingCodeRequested(_logger);
        Publish(new PairingCodeEvent(pairing.Code));
        return pairing.Code;
    }

    private async Task FinishPairingCodeAsync(WaClientSession session, PendingPairingCode pending, Node notification)
    {
        try
        {
            var registration = notification.GetRequiredChild("link_code_companion_reg");
            var reference = registration.GetChild("link_code_pairing_ref")?.Bytes;
            if (reference is null || Encoding.UTF8.GetString(reference.Value.Span) != pending.Reference)
            {
                Log.PairingCodeRefMismatch(_logger);
                return;
            }
            var wrappedPrimary = registration.GetRequiredChild("link_code_pairing_wrapped_primary_ephemeral_pub").Bytes
                ?? throw new PairingException(PairingError.InternalError, "No wrapped primary ephemeral key.");
            var primaryIdentity = registration.GetRequiredChild("primary_identity_pub").Bytes
                ?? throw new PairingException(PairingError.InternalError, "No primary identity key.");
            var credentials = Credentials ?? throw new WaClientException("No credentials while pairing.");
            var finish = pending.Code.Finish(wrappedPrimary.Span, Curve25519PublicKey.FromBytes(primaryIdentity.Span), credentials.IdentityKey.ToKeyPair());

            // The derived adv secret must be durable before the phone can answer with pair-success (pitfall P25).
            credentials = await UpdateCredentialsAsync(current => current with { AdvSecretKey = finish.AdvSecret }, session.Token).ConfigureAwait(false);
            session.PendingPairingCode = null;
            var finishNode = PairingNodes.CompanionFinish(pending.Phone, finish.WrappedKeyBundle, credentials.IdentityKey.PublicKey, pending.Reference);
            await SendIqAsync(ClientNodes.Iq("md", "set", finishNode), session.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is PairingException or WaBinaryException or ArgumentException or WaClientException or TimeoutException)
        {
            Log.PairingCodeFailed(_logger, exception);
            Publish(new PairErrorEvent("pairing-code", exception.Message));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(15, LogLevel.Information, "Pairing code requested")]
        public static partial void PairingCodeRequested(ILogger logger);

        [LoggerMessage(16, LogLevel.Warning, "Pairing-code notification for another ref ignored")]
        public static partial void PairingCodeRefMismatch(ILogger logger);

        [LoggerMessage(17, LogLevel.Warning, "Pairing-code linking failed")]
        public static partial void PairingCodeFailed(ILogger logger, Exception exception);
    }
}
