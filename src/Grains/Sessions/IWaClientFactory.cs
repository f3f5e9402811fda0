using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Store;

namespace CodeChat.Grains.Sessions;

/// <summary>Makes the one <see cref="WaClient"/> an instance activation drives.</summary>
public interface IWaClientFactory
{
    /// <param name="beforeReconnect">Becomes <see cref="WaClientOptions.BeforeReconnectAsync"/>: fences every automatic reconnect.</param>
    WaClient Create(string instanceName, IDeviceStore store, Func<CancellationToken, ValueTask<bool>>? beforeReconnect = null);
}
