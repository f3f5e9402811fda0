using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeChat.Grains.Sessions;

/// <summary>Clients on the configured endpoint and root (<see cref="WhatsAppOptions"/>).</summary>
public sealed class WaClientFactory(IOptions<WhatsAppOptions> options, ILoggerFactory loggers, TimeProvider timeProvider) : IWaClientFactory
{
    private readonly Lazy<WaClientOptions> _clientOptions = new(() => options.Value.ToClientOptions());

    public WaClient Create(string instanceName, IDeviceStore store, Func<CancellationToken, ValueTask<bool>>? beforeReconnect = null) =>
        new(_clientOptions.Value with { BeforeReconnectAsync = beforeReconnect }, store, loggers.CreateLogger<WaClient>(), timeProvider);
}
