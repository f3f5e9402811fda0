using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeChat.Grains.Sessions;

/// <summary>Clients on the configured endpoint and root (<see cref="WhatsAppOptions"/>).</summary>
public sealed class WaClientFactory(IOptions<WhatsAppOptions> options, ILoggerFactory loggers, TimeProvider timeProvider) : IWaClientFactory
{
    private readonly Lazy<WaClientOptions> _clientOptions = new(() => options.Value.ToClientOptions());

    public WaClient Create(string instanceName, IDeviceStore store) =>
        new(_clientOptions.Value, store, loggers.CreateLogger<WaClient>(), timeProvider);
}
