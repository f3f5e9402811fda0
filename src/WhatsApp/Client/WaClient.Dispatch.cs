using CodeChat.WhatsApp.Binary;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: routing each inbound stanza to the concern that handles it. Only the routing and the
// stanzas too small to deserve a file (login failure, stream errors, ib) live here; pairing,
// login, prekeys and later messaging keep their handlers in their own files.
public sealed partial class WaClient
{
    private async ValueTask<SessionEnd?> DispatchAsync(WaClientSession session, Node node)
    {
        if (_iq.TryComplete(node))
        {
            return null;
        }
        switch (node.Tag)
        {
            case "iq":
                await HandleIqAsync(session, node).ConfigureAwait(false);
                return null;
            case "success":
                await HandleSuccessAsync(session, node).ConfigureAwait(false);
                return null;
            case "failure":
                var failure = StreamErrorPolicy.ForLoginFailure(node.GetAttribute("reason"));
                if (failure.Kind != StreamErrorKind.ClientOutdated)
                {
                    // An outdated version is handled (and logged with the version) by the run loop.
                    Log.LoginFailure(_logger, failure.Code);
                }
                return SessionEnd.From(failure);
            case "stream:error" or "xmlstreamend":
                var decision = StreamErrorPolicy.ForStreamError(node);
                if (decision.Kind == StreamErrorKind.RestartRequired)
                {
                    // Every linking ends with a 515 and WhatsApp sends it at other times to move a
                    // client: routine, so a warning per link would drown real ones.
                    Log.RestartRequested(_logger);
                }
                else
                {
                    Log.StreamError(_logger, decision.Kind, decision.Code);
                }
                Publish(new StreamErrorEvent(decision.Kind, decision.Code));
                return SessionEnd.From(decision);
            case "notification":
                await HandleNotificationAsync(session, node).ConfigureAwait(false);
                return null;
            case "message" or "receipt" or "call" when session.LoggedIn:
                // Handled in order by the inbound worker, so a slow durable hook never stalls iq answers.
                session.Inbound.Writer.TryWrite(node);
                return null;
            case "ib":
                HandleIb(node);
                return null;
            case "presence" or "chatstate" when session.LoggedIn:
                HandlePresence(node);
                return null;
            default:
                return null;
        }
    }

    private async Task HandleIqAsync(WaClientSession session, Node iq)
    {
        var type = iq.GetAttribute("type");
        if (type == "get" && (iq.GetAttribute("xmlns") == "urn:xmpp:ping" || iq.HasChild("ping")))
        {
            await session.Connection.SendAsync(ClientNodes.Pong(iq), session.Token).ConfigureAwait(false);
            return;
        }
        if (type != "set")
        {
            return;
        }
        if (iq.GetChild("pair-device") is { } pairDevice)
        {
            await HandlePairDeviceAsync(session, iq, pairDevice).ConfigureAwait(false);
            return;
        }
        if (iq.HasChild("pair-success"))
        {
            await HandlePairSuccessAsync(session, iq).ConfigureAwait(false);
        }
    }

    private async Task HandleNotificationAsync(WaClientSession session, Node notification)
    {
        switch (notification.GetAttribute("type"))
        {
            case "encrypt" when notification.GetChild("count") is { } count
                && (count.GetInt32("value") ?? 0) < _options.MinPreKeyCount
                && session.LoggedIn:
                RefillPreKeysInBackground(session);
                break;
            case "devices":
                HandleDevicesNotification(notification);
                break;
            case "server_sync" when session.LoggedIn:
                HandleServerSync(notification);
                break;
            // Stored before the ack, so a token the contact issued is never lost to a crash.
            case "privacy_token" when session.LoggedIn:
                if (!await TryStorePrivacyTokensAsync(notification, session.Token).ConfigureAwait(false))
                {
                    // Left unacked: the server hands it over again on the next connection.
                    return;
                }
                break;
            case "w:gp2" or "picture" when session.LoggedIn && notification.HasAttribute("id")
                && Groups.GroupNotificationParser.IsGroupNotification(notification):
                // The inbound worker handles it in order with messages and acks it once stored
                // (WaClient.GroupNotifications.cs); the reader loop must not wait on that.
                session.Inbound.Writer.TryWrite(notification);
                return;
            // Only the server may start or continue passkey linking (whatsmeow notification.go ignores other senders).
            case "passkey_prologue_request" when IsFromServer(notification) && Credentials?.IsPaired == false:
                session.Track(Task.Run(() => HandlePasskeyRequestAsync(session, notification), CancellationToken.None));
                break;
            case "crsc_continuation" when IsFromServer(notification):
                session.Track(Task.Run(() => HandlePasskeyContinuationAsync(session, notification), CancellationToken.None));
                break;
            case "link_code_companion_reg":
                var pending = session.PendingPairingCode;
                if (pending is not null)
                {
                    session.Track(Task.Run(() => FinishPairingCodeAsync(session, pending, notification), CancellationToken.None));
                }
                break;
        }
        if (notification.HasAttribute("id"))
        {
            await session.Connection.SendAsync(ClientNodes.Ack(notification), session.Token).ConfigureAwait(false);
        }
    }

    private static bool IsFromServer(Node node) => node.GetJid("from") is { } from && from.Equals(Jid.ServerJid);

    private void HandleIb(Node ib)
    {
        if (ib.GetChild("offline") is { } offline)
        {
            Log.OfflineDone(_logger, offline.GetInt32("count") ?? 0);
        }
        if (ib.HasChild("downgrade_webclient"))
        {
            Log.DowngradeWebClient(_logger);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(7, LogLevel.Warning, "Login failure, reason {Reason}")]
        public static partial void LoginFailure(ILogger logger, string? reason);

        [LoggerMessage(8, LogLevel.Warning, "Stream error {Kind} (code {Code})")]
        public static partial void StreamError(ILogger logger, StreamErrorKind kind, string? code);

        [LoggerMessage(28, LogLevel.Information, "The server asked for a restart (515); reconnecting at once")]
        public static partial void RestartRequested(ILogger logger);

        [LoggerMessage(18, LogLevel.Debug, "Offline backlog delivered ({Count} stanzas)")]
        public static partial void OfflineDone(ILogger logger, int count);

        [LoggerMessage(19, LogLevel.Warning, "The account is not multi-device capable (downgrade_webclient)")]
        public static partial void DowngradeWebClient(ILogger logger);
    }
}
