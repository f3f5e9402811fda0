using CodeChat.Grains.ClientVersion;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Signal.Groups;
using CodeChat.WhatsApp.Socket;
using CodeChat.WhatsApp.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeChat.Grains.Sessions;

/// <summary>
/// Clients on the configured endpoint and root (<see cref="WhatsAppOptions"/>), claiming the cluster's WhatsApp
/// Web version (<see cref="ClusterWhatsAppVersionSource"/>).
/// </summary>
public sealed class WaClientFactory(
    IOptions<WhatsAppOptions> options,
    ClusterWhatsAppVersionSource versions,
    ILoggerFactory loggers,
    TimeProvider timeProvider) : IWaClientFactory
{
    private readonly Lazy<WaClientOptions> _clientOptions = new(() =>
    {
        var configured = options.Value.ToClientOptions();
        return configured with
        {
            VersionSource = versions,
            // One verifier for every instance of the silo: the chain is verified once, not once per connection.
            CertificateVerifier = new CertificateChainVerifier(configured.TrustedRootPublicKey, configured.TrustedRootSerial, timeProvider),
        };
    });

    public WaClient Create(
        string instanceName,
        IDeviceStore store,
        ISignalSessionStore sessions,
        ISenderKeyStore senderKeys,
        Func<CancellationToken, ValueTask<bool>>? beforeReconnect = null,
        Func<IncomingMessage, CancellationToken, ValueTask>? storeIncomingMessage = null,
        Func<MessageDecryptionFailedEvent, CancellationToken, ValueTask>? reportUnprocessableMessage = null,
        Func<CodeChat.WhatsApp.Groups.GroupNotification, CancellationToken, ValueTask>? storeGroupNotification = null,
        Func<IncomingCall, CancellationToken, ValueTask>? storeCall = null) =>
        new(_clientOptions.Value with
            {
                BeforeReconnectAsync = beforeReconnect,
                StoreIncomingMessageAsync = storeIncomingMessage,
                ReportUnprocessableMessageAsync = reportUnprocessableMessage,
                StoreGroupNotificationAsync = storeGroupNotification,
                StoreCallAsync = storeCall,
            },
            store, sessions, senderKeys, loggers.CreateLogger<WaClient>(), timeProvider);
}
