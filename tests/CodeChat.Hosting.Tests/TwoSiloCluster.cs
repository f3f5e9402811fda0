using CodeChat.Api.Cluster;
using CodeChat.Silo.Database;
using CodeChat.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CodeChat.Hosting.Tests;

/// <summary>
/// Two silos configured exactly as the product's host configures them (UseCodeChatCluster), on a
/// database of their own. Orleans' InProcessTestCluster always swaps in its in-memory membership
/// table, which would bypass our schema, so the silos here are real hosts talking over loopback TCP.
/// </summary>
public sealed class TwoSiloCluster : IAsyncDisposable
{
    private readonly List<IHost> _silos = [];

    private TwoSiloCluster(string connectionString, string clusterId)
    {
        ConnectionString = connectionString;
        ClusterId = clusterId;
    }

    public string ConnectionString { get; }

    public string ClusterId { get; }

    public ReminderProbe Probe { get; } = new();

    public IReadOnlyList<IHost> Silos => _silos;

    public IGrainFactory GrainsOf(int silo) => _silos[silo].Services.GetRequiredService<IGrainFactory>();

    /// <param name="siloSettings">Extra configuration for silo 0 and silo 1 (e.g. each one's TLS certificate).</param>
    public static async Task<TwoSiloCluster> StartAsync(
        string connectionString,
        CancellationToken cancellationToken,
        Func<int, IReadOnlyDictionary<string, string?>>? siloSettings = null)
    {
        var cluster = new TwoSiloCluster(connectionString, $"test-{Guid.NewGuid():N}");
        try
        {
            // Started together: both run the migrations at once and join the same empty cluster.
            var silos = await Task.WhenAll(
                cluster.StartSiloAsync(siloSettings?.Invoke(0), cancellationToken),
                cluster.StartSiloAsync(siloSettings?.Invoke(1), cancellationToken));
            cluster._silos.AddRange(silos);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            try
            {
                await silo.StopAsync(TimeSpan.FromSeconds(20));
            }
            finally
            {
                silo.Dispose();
            }
        }
    }

    private async Task<IHost> StartSiloAsync(IReadOnlyDictionary<string, string?>? extraSettings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = Environments.Development,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{CodeChatDatabase.ConnectionStringName}"] = ConnectionString,
            [CodeChatClusterOptions.ClusterIdKey] = ClusterId,
            [CodeChatClusterOptions.ServiceIdKey] = ClusterId,
            [CodeChatClusterOptions.SiloPortKey] = "0",
            [CodeChatClusterOptions.GatewayPortKey] = "0",
            [CodeChatClusterOptions.AdvertisedAddressKey] = "127.0.0.1",
        });
        if (extraSettings is not null)
        {
            builder.Configuration.AddInMemoryCollection(extraSettings);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(Probe);
        builder.AddCodeChatDatabase();
        builder.UseOrleans(silo => silo.UseCodeChatCluster());
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }
}
