using System.Net;
using CodeChat.Api.Cluster;
using CodeChat.Silo.Database;

namespace CodeChat.Silo.Hosting;

/// <summary>
/// Where this silo listens and what it advertises, decided once per host from the <c>Orleans</c>
/// settings and the database mode. The Orleans ports let a caller reach any grain past the API's
/// checks, so they stay on loopback unless the silo is part of a cluster on several machines, and
/// then they need mutual TLS unless the operator explicitly accepts the risk.
/// </summary>
internal sealed record SiloNetworkPlan(
    IPAddress ListeningAddress,
    IPAddress AdvertisedAddress,
    int SiloPort,
    int GatewayPort,
    bool UsesTls)
{
    /// <summary>True when the ports are reachable from other machines without TLS (Orleans:AllowInsecureCluster).</summary>
    public bool IsInsecure => !UsesTls && !IPAddress.IsLoopback(ListeningAddress);

    public static SiloNetworkPlan Decide(CodeChatClusterOptions options, DatabaseMode databaseMode, bool usesTls)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configuredAddress = ParseAdvertisedAddress(options.AdvertisedIPAddress);
        IPAddress advertised;
        IPAddress listening;
        if (databaseMode == DatabaseMode.Embedded)
        {
            // An embedded database means one machine and one silo: nothing else needs the Orleans ports.
            if (configuredAddress is not null && !IPAddress.IsLoopback(configuredAddress))
            {
                throw new ClusterConfigurationException(
                    $"{CodeChatClusterOptions.AdvertisedAddressKey}={configuredAddress} needs a cluster, but the database is embedded " +
                    "(one machine): its Orleans ports listen on loopback only. Set ConnectionStrings:CodeChat to a shared " +
                    $"PostgreSQL database to run several silos, or remove {CodeChatClusterOptions.AdvertisedAddressKey}.");
            }

            advertised = configuredAddress ?? IPAddress.Loopback;
            listening = advertised;
        }
        else
        {
            advertised = configuredAddress ?? SiloNetwork.ReachableAddress();
            // A silo advertising loopback (several silos on one machine, tests) needs no wider socket.
            listening = IPAddress.IsLoopback(advertised) ? advertised : AnyOf(advertised);
        }

        if (!usesTls && !IPAddress.IsLoopback(listening) && !options.AllowInsecureCluster)
        {
            throw new ClusterConfigurationException(
                $"The Orleans ports would listen on {listening} (advertised {advertised}) without TLS: anyone who reaches " +
                "them could call grains directly, past the API's authentication. Configure mutual TLS " +
                $"({CodeChatClusterOptions.TlsSectionName}:CertificatePath and :CaCertificatePath, see deploy/README.md), " +
                $"or set {CodeChatClusterOptions.AllowInsecureClusterKey}=true if only trusted hosts can reach these ports.");
        }

        return new SiloNetworkPlan(
            listening,
            advertised,
            SiloNetwork.ResolvePort(options.SiloPort, listening),
            SiloNetwork.ResolvePort(options.GatewayPort, listening),
            usesTls);
    }

    private static IPAddress? ParseAdvertisedAddress(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }

        return IPAddress.TryParse(configured, out var address)
            ? address
            : throw new ClusterConfigurationException(
                $"{CodeChatClusterOptions.AdvertisedAddressKey}='{configured}' is not an IP address.");
    }

    private static IPAddress AnyOf(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
}
