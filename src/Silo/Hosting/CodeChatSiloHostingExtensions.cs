using System.Net;
using CodeChat.Silo.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
    /// <summary>ADO.NET provider invariant of Npgsql, as the Orleans ADO.NET providers expect it.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    public const string DashboardPath = "/dashboard";
    public const string ClusterIdKey = "Orleans:ClusterId";
    public const string ServiceIdKey = "Orleans:ServiceId";
    public const string SiloPortKey = "Orleans:SiloPort";
    public const string GatewayPortKey = "Orleans:GatewayPort";
    public const string AdvertisedAddressKey = "Orleans:AdvertisedIPAddress";
    public const string DefaultClusterId = "codechat";
    public const string DefaultServiceId = "codechat";
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;

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
    /// Cluster identity, endpoints, ADO.NET clustering, default grain storage ("Default", System.Text.Json),
    /// ADO.NET reminders and the dashboard's silo side, all on the CodeChat database.
    /// </summary>
    public static ISiloBuilder UseCodeChatCluster(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<ClusterOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            options.ClusterId = configuration[ClusterIdKey] is { Length: > 0 } clusterId ? clusterId : DefaultClusterId;
            options.ServiceId = configuration[ServiceIdKey] is { Length: > 0 } serviceId ? serviceId : DefaultServiceId;
        });
        silo.Services.AddOptions<EndpointOptions>().Configure<IConfiguration, CodeChatDatabase>((options, configuration, database) =>
        {
            var siloPort = SiloNetwork.ResolvePort(configuration.GetValue(SiloPortKey, DefaultSiloPort));
            var gatewayPort = SiloNetwork.ResolvePort(configuration.GetValue(GatewayPortKey, DefaultGatewayPort));
            options.AdvertisedIPAddress = configuration[AdvertisedAddressKey] is { Length: > 0 } advertised
                ? IPAddress.Parse(advertised)
                // An embedded database means one machine: loopback keeps the silo off the network.
                : database.Mode == DatabaseMode.Embedded ? IPAddress.Loopback : SiloNetwork.ReachableAddress();
            options.SiloPort = siloPort;
            options.GatewayPort = gatewayPort;
            options.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, siloPort);
            options.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, gatewayPort);
        });

        silo.UseAdoNetClustering(options => options.Configure<CodeChatDatabase>((clustering, database) =>
        {
            clustering.Invariant = NpgsqlInvariant;
            clustering.ConnectionString = database.ConnectionString;
        }));
        silo.AddAdoNetGrainStorageAsDefault(options => options.Configure<CodeChatDatabase>((storage, database) =>
        {
            storage.Invariant = NpgsqlInvariant;
            storage.ConnectionString = database.ConnectionString;
        }));
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.UseAdoNetReminderService(options => options.Configure<CodeChatDatabase>((reminders, database) =>
        {
            reminders.Invariant = NpgsqlInvariant;
            reminders.ConnectionString = database.ConnectionString;
        }));
        silo.AddDashboard();
        return silo;
    }
}
