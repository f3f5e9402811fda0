using CodeChat.WhatsApp.Store;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: the device credentials held in memory and in the store. Every change goes through one
// gate and is saved before it becomes visible, so a step that depends on a key never runs ahead
// of the key being durable.
public sealed partial class WaClient
{
    /// <summary>Loads the stored credentials, or creates and saves new ones for a fresh device.</summary>
    private async Task LoadOrCreateCredentialsAsync(CancellationToken cancellationToken)
    {
        await _credentialsGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var credentials = await _store.LoadCredentialsAsync(cancellationToken).ConfigureAwait(false);
            if (credentials is null)
            {
                credentials = DeviceCredentials.CreateNew(_time);
                await _store.SaveCredentialsAsync(credentials, cancellationToken).ConfigureAwait(false);
                Log.CreatedCredentials(_logger, credentials.RegistrationId);
            }
            Volatile.Write(ref _credentials, credentials);
        }
        finally
        {
            _credentialsGate.Release();
        }
    }

    private async Task<DeviceCredentials> UpdateCredentialsAsync(Func<DeviceCredentials, DeviceCredentials> update, CancellationToken cancellationToken)
    {
        await _credentialsGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = Credentials ?? throw new WaClientException("The credentials were wiped.");
            var next = update(current);
            await _store.SaveCredentialsAsync(next, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _credentials, next);
            return next;
        }
        finally
        {
            _credentialsGate.Release();
        }
    }

    private async Task WipeCredentialsAsync(CancellationToken cancellationToken)
    {
        await _credentialsGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _store.WipeAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _credentials, null);
            ReleaseSignalSessions();
            Log.CredentialsWiped(_logger);
        }
        finally
        {
            _credentialsGate.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Created new device credentials (registration id {RegistrationId})")]
        public static partial void CreatedCredentials(ILogger logger, uint registrationId);

        [LoggerMessage(21, LogLevel.Warning, "Device credentials wiped")]
        public static partial void CredentialsWiped(ILogger logger);
    }
}
