using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Signal.Groups;
using CodeChat.WhatsApp.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeChat.Grains.Sessions;

/// <summary>Clients on the configured endpoint and root (<see cref="WhatsAppOptions"/>).</summary>
public sealed class WaClientFactory(IOptions<WhatsAppOptions> options, ILoggerFactory loggers, TimeProvider timeProvider) : IWaClientFactory
{
    private readonly Lazy<WaClientOptions> _clientOptions = new(() => options.Value.ToClientOptions());

    public WaClient Create(
        string instanceName,
        IDeviceStore store,
        ISignalSessionStore sessions,
        ISenderKeyStore senderKeys,
        Func<CancellationToken, ValueTask<bool>>? beforeReconnect = null,
        Func<IncomingMessage, CancellationToken, ValueTask>? storeIncomingMessage = null) =>
        new(_clientOptions.Value with { BeforeReconnectAsync = beforeReconnect, StoreIncomingMessageAsync = storeIncomingMessage },
            store, sessions, senderKeys, loggers.CreateLogger<WaClient>(), timeProvider);
}
