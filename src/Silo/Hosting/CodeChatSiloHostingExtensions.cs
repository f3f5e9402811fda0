using System.Net;
using CodeChat.Api.Cluster;
using CodeChat.Silo.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace CodeChat.Silo.Hosting;

/// <summary>
/// The silo's database and Orleans wiring, shared by Program and by tests that start silos of
/// their own. Every setting is read from the host's final configuration when the options are first
/// resolved, so values a test adds late (WebApplicationFactory's ConfigureAppConfiguration) count.
/// </summary>
public static class CodeChatSiloHostingExtensions
{
    public const string DashboardPath = "/dashboard";

    /// <summary>Grains whose silo a silo remembers (Orleans' default: 1,000,000).</summary>
    public const int DirectoryCacheSize = 100_000;

    /// <summary>
    /// Registers <see cref="CodeChatDatabase"/> (embedded or external PostgreSQL), the start-up step
    /// that starts it and applies migrations, and an <see cref="NpgsqlDataSource"/> for the grains and
    /// the API. Call before UseOrleans: hosted services start in registration order.
    /// </summary>
    public static TBuilder AddCodeChatDatabase<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<CodeChatDatabase>();
        builder.Services.AddHostedService<DatabaseStartupService>();
        builder.Services.AddSingleton(services => NpgsqlDataSource.Create(services.GetRequiredService<CodeChatDatabase>().ConnectionString));
        return builder;
    }

    /// <summary>
    /// Cluster identity and endpoints (<see cref="CodeChatClusterOptions"/>: loopback with the embedded
    /// database, mutual TLS or an explicit opt-out in a cluster), ADO.NET clustering, default grain
    /// storage ("Default", System.Text.Json), ADO.NET reminders and the dashboard's silo side, all on
    /// the CodeChat database.
    /// </summary>
    public static ISiloBuilder UseCodeChatCluster(this ISiloBuilder silo)
    {
        silo.Services.AddCodeChatClusterSettings();
        silo.Services.AddSingleton(services => SiloNetworkPlan.Decide(
            services.GetRequiredService<IOptions<CodeChatClusterOptions>>().Value,
            services.GetRequiredService<CodeChatDatabase>().Mode,
            services.GetRequiredService<ClusterTransportSecurity>().IsEnabled));
        silo.Services.AddOptions<EndpointOptions>().Configure<SiloNetworkPlan>((options, plan) =>
        {
            options.AdvertisedIPAddress = plan.AdvertisedAddress;
            options.SiloPort = plan.SiloPort;
            options.GatewayPort = plan.GatewayPort;
            options.SiloListeningEndpoint = new IPEndPoint(plan.ListeningAddress, plan.SiloPort);
            options.GatewayListeningEndpoint = new IPEndPoint(plan.ListeningAddress, plan.GatewayPort);
        });
        silo.Services.AddOptions<SiloConnectionOptions>().Configure<ClusterTransportSecurity>((connections, security) =>
        {
            if (security.Certificates is { } certificates)
            {
                // The same settings UseTls would apply, but resolved from the final configuration.
                var tls = certificates.CreateTlsOptions();
                connections.ConfigureSiloInboundConnection(connection => connection.UseServerTls(tls));
                connections.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(tls));
                connections.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(tls));
            }
        });
        // Orleans sizes its directory cache's table for a million grains up front: 9.3 MB of every
        // silo's heap before its first instance (gcdump in bench/README.md). The cache only saves
        // lookups of grains on other silos; a tenth of that still covers ten thousand instances'
        // grains with room to spare, and a miss only costs one directory call.
        silo.Configure<GrainDirectoryOptions>(options => options.CacheSize = DirectoryCacheSize);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ClusterSecurityNotice>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, EmbeddedMembershipReset>();

        silo.UseAdoNetClustering(options => options.Configure<CodeChatDatabase>((clustering, database) =>
        {
            clustering.Invariant = CodeChatClusterOptions.NpgsqlInvariant;
            clustering.ConnectionString = database.ConnectionString;
        }));
        silo.AddAdoNetGrainStorageAsDefault(options => options.Configure<CodeChatDatabase>((storage, database) =>
        {
            storage.Invariant = CodeChatClusterOptions.NpgsqlInvariant;
            storage.ConnectionString = database.ConnectionString;
        }));
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.UseAdoNetReminderService(options => options.Configure<CodeChatDatabase>((reminders, database) =>
        {
            reminders.Invariant = CodeChatClusterOptions.NpgsqlInvariant;
            reminders.ConnectionString = database.ConnectionString;
        }));
        silo.AddDashboard();
        return silo;
    }
}
