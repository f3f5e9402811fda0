using System.Collections.Concurrent;
using System.Globalization;
using CodeChat.WhatsApp.Binary;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: privacy tokens (whatsapp-protocol.md §6.13, pitfall P5; facts from whatsmeow tctoken.go and
// notification.go handlePrivacyTokenNotification, Baileys 7 tc-token-utils.js and messages-send.js).
// A contact's app issues its token to us (<notification type="privacy_token">); our 1:1 sends to that
// contact carry it in <tctoken> while it is inside the 4-week window, and WhatsApp may refuse a first
// message to a stranger without one (ack error 463). After a 1:1 send we issue our own token to the
// contact once per 7-day bucket (iq xmlns="privacy" set), so their replies reach us the same way.
public sealed partial class WaClient
{
    private const string TrustedContactTokenType = "trusted_contact";

    // Storage keys with an issuance in flight, so two quick sends to one contact issue once (Baileys keeps the same set).
    private readonly ConcurrentDictionary<Jid, bool> _privacyTokenIssuing = new();

    /// <summary>
    /// Stores the tokens a contact issued to us; called before the notification is acked. False when the
    /// store failed: the notification then stays unacked (redelivered later) and the connection goes on.
    /// </summary>
    private async Task<bool> TryStorePrivacyTokensAsync(Node notification, CancellationToken cancellationToken)
    {
        try
        {
            await StorePrivacyTokensAsync(notification, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.PrivacyTokenStoreFailed(_logger, exception.GetType().Name);
            return false;
        }
    }

    /// <summary>
    /// Stores the tokens a contact issued to us. Tokens for another user, of another type, without bytes
    /// or without a timestamp are skipped (whatsmeow and Baileys skip them too), as are notifications
    /// not from a person.
    /// </summary>
    private async Task StorePrivacyTokensAsync(Node notification, CancellationToken cancellationToken)
    {
        var credentials = Credentials;
        if (credentials?.GetJid() is not { } ownPn || notification.GetJid("from") is not { IsUserPn: true } and not { IsLid: true }
            || notification.GetChild("tokens") is not { } tokens)
        {
            return;
        }
        var from = notification.GetRequiredJid("from");
        var ownLid = credentials.GetLid();
        var senderLid = notification.GetJid("sender_lid") is { IsLid: true } lidAttribute ? lidAttribute.ToNonAd() : (Jid?)null;
        if (senderLid is { } learnedLid && from.IsUserPn)
        {
            // The notification names the contact both ways: the pair is a mapping like any other source.
            await LearnLidMappingAsync(learnedLid, from.ToNonAd(), cancellationToken).ConfigureAwait(false);
        }
        var contact = await PrivacyTokenKeyAsync(senderLid ?? from, cancellationToken).ConfigureAwait(false);
        foreach (var token in tokens.GetChildren("token"))
        {
            var forUs = token.GetJid("jid") is { } target && (target.IsSameUserAs(ownPn) || (ownLid is { } lid && target.IsSameUserAs(lid)));
            if (!forUs || token.GetAttribute("type") != TrustedContactTokenType || token.Bytes is not { Length: > 0 } bytes
                || token.GetUnixTime("t") is not { } timestamp)
            {
                continue;
            }
            await _store.SaveReceivedPrivacyTokenAsync(contact, bytes.ToArray(), timestamp, cancellationToken).ConfigureAwait(false);
            Log.PrivacyTokenStored(_logger);
        }
    }

    /// <summary>
    /// The <c>&lt;tctoken&gt;</c> for a 1:1 send to <paramref name="chat"/>, or null when we hold no usable
    /// token — or cannot read it: as whatsmeow does, the send then goes without one rather than failing.
    /// </summary>
    private async Task<Node?> PrivacyTokenNodeAsync(Jid chat, CancellationToken cancellationToken)
    {
        try
        {
            var key = await PrivacyTokenKeyAsync(chat, cancellationToken).ConfigureAwait(false);
            var record = await _store.GetPrivacyTokenAsync(key, cancellationToken).ConfigureAwait(false);
            if (record?.Token is null && !key.Equals(chat.ToNonAd()))
            {
                // Stored under the phone number before the LID was known.
                record = await _store.GetPrivacyTokenAsync(chat.ToNonAd(), cancellationToken).ConfigureAwait(false);
            }
            return record is { Token: { Length: > 0 } token } && !PrivacyTokenWindow.IsExpired(record.TokenTimestamp, _time.GetUtcNow())
                ? new Node("tctoken", default, token)
                : null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.PrivacyTokenReadFailed(_logger, exception.GetType().Name);
            return null;
        }
    }

    /// <summary>
    /// After a 1:1 send to <paramref name="chat"/>: issues our token to the contact unless we did in this
    /// bucket already. Off the send's path; a failure only means the next send tries again.
    /// </summary>
    private void IssuePrivacyTokenIfDue(WaClientSession session, Jid chat) =>
        session.Track(Task.Run(async () =>
        {
            // Not to ourselves (a note to self) nor to WhatsApp's own accounts: whatsmeow and Baileys skip those.
            var credentials = Credentials;
            if (chat.User == "0" || (credentials?.GetJid() is { } ownPn && chat.IsSameUserAs(ownPn))
                || (credentials?.GetLid() is { } ownLid && chat.IsSameUserAs(ownLid)))
            {
                return;
            }
            Jid key;
            try
            {
                key = await PrivacyTokenKeyAsync(chat, session.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.PrivacyTokenIssueFailed(_logger, exception.GetType().Name);
                return;
            }
            if (!_privacyTokenIssuing.TryAdd(key, true))
            {
                return;
            }
            try
            {
                var now = _time.GetUtcNow();
                if (!PrivacyTokenWindow.ShouldIssue((await _store.GetPrivacyTokenAsync(key, session.Token).ConfigureAwait(false))?.IssuedToContactAt, now))
                {
                    return;
                }
                var token = new Node("token",
                [
                    new("jid", chat.ToNonAd()),
                    new("t", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
                    new("type", TrustedContactTokenType),
                ], default);
                await SendIqAsync(ClientNodes.Iq("privacy", "set", new Node("tokens", default, new List<Node> { token })), session.Token).ConfigureAwait(false);
                await _store.SaveIssuedPrivacyTokenAsync(key, now, session.Token).ConfigureAwait(false);
                Log.PrivacyTokenIssued(_logger);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.PrivacyTokenIssueFailed(_logger, exception.GetType().Name);
            }
            finally
            {
                _privacyTokenIssuing.TryRemove(key, out _);
            }
        }, CancellationToken.None));

    /// <summary>Tokens are kept under the contact's LID when we know it, as WhatsApp Web keys them, so PN and LID chats share one.</summary>
    private async Task<Jid> PrivacyTokenKeyAsync(Jid contact, CancellationToken cancellationToken) =>
        contact.IsUserPn && await _store.GetLidForPhoneNumberAsync(contact.ToNonAd(), cancellationToken).ConfigureAwait(false) is { } lid
            ? lid.ToNonAd()
            : contact.ToNonAd();

    private static partial class Log
    {
        [LoggerMessage(130, LogLevel.Debug, "Stored a privacy token a contact issued to us")]
        public static partial void PrivacyTokenStored(ILogger logger);

        [LoggerMessage(131, LogLevel.Debug, "Issued our privacy token to a contact")]
        public static partial void PrivacyTokenIssued(ILogger logger);

        [LoggerMessage(132, LogLevel.Warning, "Issuing our privacy token to a contact failed ({Error}); the next send tries again")]
        public static partial void PrivacyTokenIssueFailed(ILogger logger, string error);

        [LoggerMessage(133, LogLevel.Warning, "Storing a privacy token failed ({Error}); the notification stays unacked for redelivery")]
        public static partial void PrivacyTokenStoreFailed(ILogger logger, string error);

        [LoggerMessage(134, LogLevel.Warning, "Reading a contact's privacy token failed ({Error}); sending without it")]
        public static partial void PrivacyTokenReadFailed(ILogger logger, string error);
    }
}
