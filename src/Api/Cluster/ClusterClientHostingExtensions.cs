using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;

namespace CodeChat.Api.Cluster;

/// <summary>
/// The Orleans settings both hosts share (cluster identity and TLS), and the client side of the
/// stand-alone API host. Every value is read from the host's final configuration when the options
/// are first resolved, so settings a test adds late still count.
/// </summary>
public static class ClusterClientHostingExtensions
{
    /// <summary>Binds <see cref="CodeChatClusterOptions"/>, the cluster identity and the TLS certificates.</summary>
    public static IServiceCollection AddCodeChatClusterSettings(this IServiceCollection services)
    {
        services.AddOptions<CodeChatClusterOptions>().BindConfiguration(CodeChatClusterOptions.SectionName);
        services.AddOptions<ClusterOptions>().Configure<IOptions<CodeChatClusterOptions>>((cluster, settings) =>
        {
            cluster.ClusterId = settings.Value.EffectiveClusterId;
            cluster.ServiceId = settings.Value.EffectiveServiceId;
        });
        services.AddSingleton<ClusterTransportSecurity>();
        return services;
    }

    /// <summary>
    /// An Orleans client of the CodeChat cluster: finds the gateways through the membership table in
    /// <paramref name="connectionString"/>'s database and, when <c>Orleans:Tls</c> is set, presents the
    /// cluster certificate to them and accepts only gateways whose certificate the cluster CA issued.
    /// </summary>
    public static IClientBuilder UseCodeChatCluster(this IClientBuilder client, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        client.Services.AddCodeChatClusterSettings();
        client.UseAdoNetClustering(options =>
        {
            options.Invariant = CodeChatClusterOptions.NpgsqlInvariant;
            options.ConnectionString = connectionString;
        });
        client.Services.AddOptions<ClientConnectionOptions>().Configure<ClusterTransportSecurity>((connections, security) =>
        {
            if (security.Certificates is { } certificates)
            {
                var tls = certificates.CreateTlsOptions();
                connections.ConfigureConnection(connection => connection.UseClientTls(tls));
            }
        });
        return client;
    }
}
