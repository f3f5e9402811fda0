using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: which WhatsApp Web version this client claims, and what a 405 (outdated client) does:
// one retry with a replacement version, then stop (whatsapp-protocol.md §2.7, §5.1, pitfall P2).
public sealed partial class WaClient
{
    // Set once a replacement version was tried; reset by a successful login and by a new ConnectAsync.
    // A second 405 in the same outage therefore stops the loop instead of retrying for ever.
    private bool _outdatedRetryUsed;

    private async ValueTask<WhatsAppWebVersion> ResolveVersionAsync(CancellationToken cancellationToken) =>
        _options.VersionSource is { } source
            ? await source.GetCurrentAsync(cancellationToken).ConfigureAwait(false)
            : _options.Payload.Version;

    /// <summary>
    /// The server refused <paramref name="rejected"/> as outdated. Asks the version source once for a
    /// replacement; with one the loop reconnects (after the usual back-off), without one it stops.
    /// </summary>
    private async Task<SessionEnd> AfterClientOutdatedAsync(SessionEnd end, WhatsAppWebVersion rejected, CancellationToken run)
    {
        WhatsAppWebVersion? replacement = null;
        if (!_outdatedRetryUsed && _options.VersionSource is { } source)
        {
            try
            {
                replacement = await source.FindReplacementAsync(rejected, run).ConfigureAwait(false);
            }
            catch (Exception exception) when (!run.IsCancellationRequested)
            {
                // No replacement is the safe answer: the instance stops instead of retrying blind.
                Log.VersionReplacementFailed(_logger, exception);
            }
        }
        var retryWith = replacement is { } found && found != rejected ? found : (WhatsAppWebVersion?)null;
        if (retryWith is not null)
        {
            _outdatedRetryUsed = true;
        }
        Log.ClientOutdated(_logger, rejected.ToString(), retryWith?.ToString());
        Publish(new ClientOutdatedEvent(rejected, retryWith));
        return end with { Reconnect = retryWith is not null };
    }

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Information, "WhatsApp refused client version {Rejected} as outdated (405); retrying with {RetryWith}")]
        public static partial void ClientOutdated(ILogger logger, string rejected, string? retryWith);

        [LoggerMessage(61, LogLevel.Information, "Looking for a newer WhatsApp Web version after a 405 failed")]
        public static partial void VersionReplacementFailed(ILogger logger, Exception exception);
    }
}
