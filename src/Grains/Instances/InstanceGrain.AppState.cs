using CodeChat.Grains.AppState;
using CodeChat.Grains.Messages;
using CodeChat.Grains.Sessions;
using CodeChat.Grains.Storage;
using CodeChat.WhatsApp.AppState;
using CodeChat.WhatsApp.Media;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WaMessage = CodeChat.WhatsApp.Proto.Message;

namespace CodeChat.Grains.Instances;

/// <summary>
/// App state (syncd) of the instance: the keys our phone shares are stored (only when they come from
/// our own account), and each session gets an <see cref="AppStateSync"/> that fetches and applies the
/// collections after login, on the server's <c>server_sync</c> notification, and when new keys arrive.
/// </summary>
public sealed partial class InstanceGrain
{
    private PostgresAppStateStore AppStateStore => ServiceProvider.GetRequiredService<PostgresAppStateStore>();

    private AppStateSync CreateAppStateSync(WhatsApp.Client.WaClient client)
    {
        var http = ServiceProvider.GetRequiredService<IHttpClientFactory>();
        var dispatcher = GrainFactory.GetGrain<Abstractions.Webhooks.IWebhookDispatcherGrain>(Name);
        // The sync runs beside the grain, where grain state must not be read: the owner comes from the client's own credentials.
        return new AppStateSync(Name, state.State.Id, () => OwnerJidOf(client.Credentials?.GetJid()?.ToString()), client, AppStateStore,
            ServiceProvider.GetRequiredService<PostgresAppStateApplier>(),
            () => new MediaTransfer(http.CreateClient(MessagingReceiveOptions.MediaHttpClientName), client.GetMediaConnectionAsync),
            () => dispatcher.WakeAsync(), timeProvider, logger);
    }

    /// <summary>
    /// Stores the app-state keys of an APP_STATE_SYNC_KEY_SHARE from our own phone and syncs every
    /// collection again (the ones waiting for a key go on). True when <paramref name="message"/> was a
    /// key share, from us or not: someone else's is ignored, never stored.
    /// </summary>
    private async Task<bool> TryStoreAppStateKeysAsync(ReceivedMessage received, WaMessage message, CancellationToken cancellationToken)
    {
        if (message.ProtocolMessage?.AppStateSyncKeyShare is not { } share)
            return false;
        if (!received.FromMe)
        {
            LogForeignKeyShare(Name, received.Id, received.Sender);
            return true;
        }
        var keys = share.Keys
            .Where(key => key.KeyID?.KeyID is { IsEmpty: false } && key.KeyData?.KeyData is { IsEmpty: false })
            .Select(key => new AppStateSyncKeyRecord(key.KeyID.KeyID.ToByteArray(), key.KeyData.KeyData.ToByteArray(), key.KeyData.Timestamp))
            .ToList();
        var added = await AppStateStore.SaveKeysAsync(Name, keys, cancellationToken);
        LogAppStateKeysStored(Name, keys.Count, added);
        _session?.AppState?.Request(AppStateCollections.All);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: our phone shared {Count} app-state key(s), {Added} new")]
    private partial void LogAppStateKeysStored(string instanceName, int count, int added);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: message {MessageId} from {Sender} carries app-state keys but is not from our own devices; ignored")]
    private partial void LogForeignKeyShare(string instanceName, string messageId, string sender);
}
