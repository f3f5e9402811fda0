using CodeChat.Api.Cluster;
using Microsoft.Extensions.Logging;

namespace CodeChat.Silo.Hosting;

/// <summary>Says at every start how the Orleans ports are exposed, and warns when they are open without TLS.</summary>
internal sealed partial class ClusterSecurityNotice(SiloNetworkPlan plan, ILogger<ClusterSecurityNotice> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusterSecurityNotice), ServiceLifecycleStage.First, _ =>
        {
            if (plan.IsInsecure)
            {
                LogInsecureCluster(logger, plan.ListeningAddress.ToString(), plan.SiloPort, plan.GatewayPort, CodeChatClusterOptions.AllowInsecureClusterKey);
            }
            else
            {
                LogOrleansPorts(logger, plan.ListeningAddress.ToString(), plan.SiloPort, plan.GatewayPort, plan.UsesTls ? "mutual TLS" : "loopback only, no TLS");
            }

            return Task.CompletedTask;
        });

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Orleans silo port {SiloPort} and gateway port {GatewayPort} listen on {Address} WITHOUT TLS ({Setting}=true): " +
                  "anyone who reaches them can call grains past the API's authentication. Configure Orleans:Tls for a cluster on a network you do not fully trust")]
    private static partial void LogInsecureCluster(ILogger logger, string address, int siloPort, int gatewayPort, string setting);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Orleans silo port {SiloPort} and gateway port {GatewayPort} listen on {Address} ({Protection})")]
    private static partial void LogOrleansPorts(ILogger logger, string address, int siloPort, int gatewayPort, string protection);
}
