using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace CodeChat.Silo.Hosting;

/// <summary>Addresses and ports for the silo-to-silo and gateway endpoints.</summary>
internal static class SiloNetwork
{
    /// <summary>
    /// The first IPv4 address of an interface that is up and not loopback: what other silos on other
    /// machines (or containers) can reach. Loopback when the machine has nothing else.
    /// </summary>
    public static IPAddress ReachableAddress()
    {
        var candidate = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        return candidate ?? IPAddress.Loopback;
    }

    /// <summary>
    /// Port 0 means "any free port on <paramref name="listeningAddress"/>", so several silos can share
    /// one machine or one test process.
    /// </summary>
    public static int ResolvePort(int configured, IPAddress listeningAddress)
    {
        if (configured != 0)
        {
            return configured;
        }

        using var listener = new TcpListener(listeningAddress, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
