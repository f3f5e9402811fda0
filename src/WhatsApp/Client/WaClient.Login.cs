using CodeChat.WhatsApp.Binary;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: what happens at <success> (whatsapp-protocol.md §5): record the own LID, signal the
// login to waiters, and start the post-login setup (passive off, prekeys).
public sealed partial class WaClient
{
    private async Task HandleSuccessAsync(WaClientSession session, Node success)
    {
        var credentials = Credentials ?? throw new WaClientException("No credentials at login.");
        var lid = success.GetJid("lid");
        if (lid is { } newLid && credentials.Lid is null && credentials.GetJid() is { } pn)
        {
            var ownLid = newLid.WithDevice(pn.Device);
            credentials = await UpdateCredentialsAsync(current => current with { Lid = ownLid.ToString() }, session.Token).ConfigureAwait(false);
            await _store.SaveLidMappingAsync(ownLid, pn, session.Token).ConfigureAwait(false);
        }
        session.LoggedIn = true;
        Interlocked.Exchange(ref _nextLogin, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        _backoff.Reset();
        // This version works: a later outage may retry once again.
        _outdatedRetryUsed = false;
        var jid = credentials.GetJid() ?? throw new WaClientException("Logged in without an own JID.");
        Log.LoggedIn(_logger, jid.ToString());
        Publish(new ConnectedEvent(jid, credentials.GetLid(), credentials.PushName));
        session.Track(Task.Run(() => AfterLoginAsync(session), CancellationToken.None));
    }

    private async Task AfterLoginAsync(WaClientSession session)
    {
        try
        {
            await SendIqAsync(ClientNodes.SetActive(), session.Token).ConfigureAwait(false);
            await EnsurePreKeysAsync(session.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (!session.Token.IsCancellationRequested)
        {
            // Includes store failures: the connection stays usable, the next login retries the upload.
            Log.AfterLoginFailed(_logger, exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(12, LogLevel.Information, "Logged in as {Jid}")]
        public static partial void LoggedIn(ILogger logger, string jid);

        [LoggerMessage(13, LogLevel.Warning, "Post-login setup failed")]
        public static partial void AfterLoginFailed(ILogger logger, Exception exception);
    }
}
