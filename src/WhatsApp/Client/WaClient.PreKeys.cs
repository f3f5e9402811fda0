using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: keeping the server stocked with one-time prekeys (whatsapp-protocol.md §5.2;
// whatsmeow's prekeys.go): the first upload after pairing and refills when the server says it
// runs low. One gate serialises uploads so two triggers never upload the same keys twice.
public sealed partial class WaClient
{
    /// <summary>The server said it runs low (an encrypt notification): refill beside the reader loop.</summary>
    private void RefillPreKeysInBackground(WaClientSession session)
    {
        session.Track(Task.Run(async () =>
        {
            try
            {
                await EnsurePreKeysAsync(session.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (!session.Token.IsCancellationRequested)
            {
                Log.AfterLoginFailed(_logger, exception);
            }
        }, CancellationToken.None));
    }

    /// <summary>Uploads prekeys when the server runs low (§5.2): 812 the first time, a refill afterwards.</summary>
    private async Task EnsurePreKeysAsync(CancellationToken cancellationToken)
    {
        await _preKeyGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await SendIqAsync(ClientNodes.PreKeyCount(), cancellationToken).ConfigureAwait(false);
            var serverCount = response.GetChild("count")?.GetInt32("value") ?? 0;
            if (serverCount >= _options.MinPreKeyCount)
            {
                return;
            }
            var uploadedBefore = await _store.CountUploadedPreKeysAsync(cancellationToken).ConfigureAwait(false);
            var wanted = serverCount == 0 && uploadedBefore == 0 ? _options.InitialPreKeyUploadCount : _options.PreKeyRefillCount;
            // The store persists new keys before returning them, so an upload never names a key we could lose.
            var keys = await _store.GetOrGeneratePreKeysAsync(wanted, cancellationToken).ConfigureAwait(false);
            var credentials = Credentials ?? throw new WaClientException("No credentials for the prekey upload.");
            await SendIqAsync(ClientNodes.PreKeyUpload(credentials, keys), cancellationToken).ConfigureAwait(false);
            await _store.MarkPreKeysUploadedAsync(keys.Max(key => key.Id), cancellationToken).ConfigureAwait(false);
            Log.PreKeysUploaded(_logger, keys.Count, serverCount);
        }
        finally
        {
            _preKeyGate.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(14, LogLevel.Information, "Uploaded {Count} prekeys (server had {ServerCount})")]
        public static partial void PreKeysUploaded(ILogger logger, int count, int serverCount);
    }
}
