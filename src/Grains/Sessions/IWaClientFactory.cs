using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Store;

namespace CodeChat.Grains.Sessions;

/// <summary>Makes the one <see cref="WaClient"/> an instance activation drives.</summary>
public interface IWaClientFactory
{
    WaClient Create(string instanceName, IDeviceStore store);
}
