using CodeChat.WhatsApp.Store;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: logging out (whatsapp-protocol.md §4.6). A logout must reach the server so the phone
// drops this device, even when the socket is down, and must wipe the device either way; that
// bounded connect-then-unlink path is its own piece of the state machine.
public sealed partial class WaClient
{
    /// <summary>
    /// Unlinks this device on the server, stops the client and wipes the store. A paired device whose
    /// socket is down (reconnecting, stopped, or never connected by this client) first connects for at
    /// most <see cref="WaClientOptions.LogoutConnectTimeout"/> so the server can drop it from the
    /// account; if that fails the device is wiped locally anyway.
    /// </summary>
    public async Task LogoutAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var credentials = Credentials ?? await _store.LoadCredentialsAsync(cancellationToken).ConfigureAwait(false);
        if (credentials?.IsPaired == true && credentials.GetJid() is { } ownJid)
        {
            try
            {
                await EnsureLoggedInForLogoutAsync(credentials, cancellationToken).ConfigureAwait(false);
                await SendIqAsync(ClientNodes.RemoveCompanionDevice(ownJid), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is WaClientException or TimeoutException)
            {
                // The device is wiped locally either way; the phone can still remove it from its list.
                Log.LogoutIqFailed(_logger, exception);
            }
        }
        await StopAsync(new SessionEnd(DisconnectReason.ClientClosed, null, Reconnect: false)).ConfigureAwait(false);
        await WipeCredentialsAsync(cancellationToken).ConfigureAwait(false);
        Publish(new LoggedOutEvent("user_initiated"));
    }

    /// <summary>Waits for a logged-in connection, opening one if nothing is running; bounded by <see cref="WaClientOptions.LogoutConnectTimeout"/>.</summary>
    private async Task EnsureLoggedInForLogoutAsync(DeviceCredentials credentials, CancellationToken cancellationToken)
    {
        // Read the signal before checking, so a login in between is seen either way.
        var login = Volatile.Read(ref _nextLogin).Task;
        if (IsLoggedIn)
        {
            return;
        }
        Task runLoop;
        lock (_runGate)
        {
            if (_runLoop.IsCompleted)
            {
                Log.ConnectingForLogout(_logger);
                Interlocked.CompareExchange(ref _credentials, credentials, null);
                // Nobody waits for the first connection here: the run loop ending tells us instead.
                var firstConnection = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _ = firstConnection.Task.ContinueWith(static failed => _ = failed.Exception, CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                StartRunLoop(firstConnection);
            }
            runLoop = _runLoop;
        }
        var first = await Task.WhenAny(login, runLoop)
            .WaitAsync(_options.LogoutConnectTimeout, _time, cancellationToken).ConfigureAwait(false);
        if (first != login)
        {
            throw new WaClientException("The connection ended before the logout could reach the server.");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(22, LogLevel.Warning, "Logout iq failed; wiping locally anyway")]
        public static partial void LogoutIqFailed(ILogger logger, Exception exception);

        [LoggerMessage(24, LogLevel.Information, "Connecting to tell the server about the logout")]
        public static partial void ConnectingForLogout(ILogger logger);
    }
}
