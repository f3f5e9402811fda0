using System.Net;
using CodeChat.Api.Cluster;
using CodeChat.Silo.Database;
using CodeChat.Silo.Hosting;
using CodeChat.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CodeChat.Hosting.Tests;

/// <summary>
/// A silo on a shared (external) database is a cluster member: its Orleans ports leave loopback only
/// with mutual TLS, or when the operator sets Orleans:AllowInsecureCluster and is warned at every start.
/// </summary>
public sealed class ClusterExposureTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    /// <summary>TEST-NET-1 (RFC 5737): a non-loopback address that no real host owns.</summary>
    private const string DocumentationAddress = "192.0.2.10";

    [Fact]
    public async Task A_cluster_silo_on_a_non_loopback_address_without_TLS_refuses_to_start_and_says_what_to_set()
    {
        var recorder = new RecordingLoggerProvider();
        using var host = BuildSilo(recorder, new Dictionary<string, string?> { [CodeChatClusterOptions.AdvertisedAddressKey] = DocumentationAddress });

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));

        var problem = ClusterConfigurationExceptionIn(failure);
        Assert.Contains(DocumentationAddress, problem.Message);
        Assert.Contains("without TLS", problem.Message);
        Assert.Contains("Orleans:Tls:CertificatePath", problem.Message);
        Assert.Contains("Orleans:AllowInsecureCluster=true", problem.Message);
    }

    [Fact]
    public async Task AllowInsecureCluster_lets_it_listen_on_every_interface_with_a_warning_at_start()
    {
        var recorder = new RecordingLoggerProvider();
        using var host = BuildSilo(recorder, new Dictionary<string, string?>
        {
            [CodeChatClusterOptions.AdvertisedAddressKey] = DocumentationAddress,
            [CodeChatClusterOptions.AllowInsecureClusterKey] = "true",
        });
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
            Assert.Equal(IPAddress.Any, endpoints.SiloListeningEndpoint!.Address);
            Assert.Equal(IPAddress.Any, endpoints.GatewayListeningEndpoint!.Address);
            Assert.Equal(IPAddress.Parse(DocumentationAddress), endpoints.AdvertisedIPAddress);
            var warning = Assert.Single(recorder.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("WITHOUT TLS"));
            Assert.Contains(CodeChatClusterOptions.AllowInsecureClusterKey, warning.Message);
        }
        finally
        {
            await host.StopAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public async Task A_cluster_silo_advertising_loopback_listens_on_loopback_without_TLS()
    {
        var recorder = new RecordingLoggerProvider();
        using var host = BuildSilo(recorder, new Dictionary<string, string?> { [CodeChatClusterOptions.AdvertisedAddressKey] = "127.0.0.1" });
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
            Assert.Equal(IPAddress.Loopback, endpoints.SiloListeningEndpoint!.Address);
            Assert.Equal(IPAddress.Loopback, endpoints.GatewayListeningEndpoint!.Address);
            Assert.DoesNotContain(recorder.Entries, entry => entry.Level >= LogLevel.Warning && entry.Category.StartsWith("CodeChat", StringComparison.Ordinal));
        }
        finally
        {
            await host.StopAsync(TimeSpan.FromSeconds(20));
        }
    }

    internal static ClusterConfigurationException ClusterConfigurationExceptionIn(Exception failure) =>
        CodeChat.Api.Errors.ExceptionChain.FindFirst<ClusterConfigurationException>(failure)
        ?? throw new Xunit.Sdk.XunitException($"Expected a ClusterConfigurationException, got: {failure}");

    private IHost BuildSilo(RecordingLoggerProvider recorder, IReadOnlyDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var clusterId = $"exposure-{Guid.NewGuid():N}";
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{CodeChatDatabase.ConnectionStringName}"] = database.ConnectionString,
            [CodeChatClusterOptions.ClusterIdKey] = clusterId,
            [CodeChatClusterOptions.ServiceIdKey] = clusterId,
            [CodeChatClusterOptions.SiloPortKey] = "0",
            [CodeChatClusterOptions.GatewayPortKey] = "0",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddProvider(recorder);
        builder.AddCodeChatDatabase();
        builder.UseOrleans(silo => silo.UseCodeChatCluster());
        return builder.Build();
    }
}
