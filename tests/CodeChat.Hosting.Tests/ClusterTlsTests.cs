using System.Security.Cryptography.X509Certificates;
using CodeChat.Api.Cluster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Runtime.Messaging;

namespace CodeChat.Hosting.Tests;

/// <summary>
/// Mutual TLS on the Orleans ports: silos of one CA form a cluster, a client host configured as the
/// stand-alone API host (UseCodeChatCluster) reaches grains only with a certificate of that CA.
/// </summary>
public sealed class ClusterTlsTests(TlsClusterFixture fixture) : IClassFixture<TlsClusterFixture>
{
    private TwoSiloCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Two_silos_with_certificates_of_the_cluster_CA_form_one_cluster()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var connection = new NpgsqlConnection(Cluster.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @cluster AND Status = 3", connection);
            command.Parameters.AddWithValue("cluster", Cluster.ClusterId);
            Assert.Equal(2L, await command.ExecuteScalarAsync(ct));
        }

        // One activation seen through both silos: the silos really talk to each other over TLS.
        var key = Guid.NewGuid().ToString("N");
        var throughFirst = await Cluster.GrainsOf(0).GetGrain<IIdentityGrain>(key).WhoAmI();
        var throughSecond = await Cluster.GrainsOf(1).GetGrain<IIdentityGrain>(key).WhoAmI();
        Assert.Equal(throughFirst, throughSecond);
    }

    [Fact]
    public async Task A_client_with_a_certificate_of_the_cluster_CA_calls_grains()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await StartClientAsync(fixture.Certificates.IssuePem("api"), ct);
        var identity = await client.Services.GetRequiredService<IClusterClient>().GetGrain<IIdentityGrain>(Guid.NewGuid().ToString("N")).WhoAmI();
        Assert.NotEqual(Guid.Empty, identity.ActivationId);
    }

    [Fact]
    public async Task A_client_presenting_a_certificate_of_another_CA_is_refused()
    {
        // What an intruder would do: speak TLS, accept any server, present a certificate of its own.
        using var strangers = new ClusterCertificateFiles("Some other CA");
        var intruderSettings = strangers.IssuePfx("intruder");
        using var intruderCertificate = X509CertificateLoader.LoadPkcs12FromFile(
            intruderSettings[$"{CodeChatClusterOptions.TlsSectionName}:{nameof(ClusterTlsOptions.CertificatePath)}"]!,
            intruderSettings[$"{CodeChatClusterOptions.TlsSectionName}:{nameof(ClusterTlsOptions.CertificatePassword)}"]);
        await AssertRefusedAsync(client => client.UseTls(intruderCertificate, tls => tls.AllowAnyRemoteCertificate()), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_client_speaking_TLS_without_a_certificate_is_refused()
    {
        await AssertRefusedAsync(client => client.UseTls(tls => tls.AllowAnyRemoteCertificate()), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_client_without_TLS_is_refused()
    {
        await AssertRefusedAsync(_ => { }, TestContext.Current.CancellationToken);
    }

    [Fact]
    public void A_host_certificate_not_issued_by_the_configured_CA_is_rejected_naming_the_settings()
    {
        using var strangers = new ClusterCertificateFiles("Some other CA");
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(strangers.IssuePem("misconfigured"))
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{CodeChatClusterOptions.TlsSectionName}:{nameof(ClusterTlsOptions.CaCertificatePath)}"] = fixture.Certificates.AuthorityPath,
            })
            .Build()
            .GetSection(CodeChatClusterOptions.TlsSectionName)
            .Get<ClusterTlsOptions>()!;

        var error = Assert.Throws<ClusterConfigurationException>(() => ClusterCertificates.Load(settings));
        Assert.Contains("Orleans:Tls:CertificatePath", error.Message);
        Assert.Contains("Orleans:Tls:CaCertificatePath", error.Message);
    }

    private async Task AssertRefusedAsync(Action<IClientBuilder> configureIntruder, CancellationToken ct)
    {
        var refusal = await Assert.ThrowsAsync<ConnectionFailedException>(async () =>
        {
            using var client = await StartClientAsync(new Dictionary<string, string?>(), ct, configureIntruder);
            await client.Services.GetRequiredService<IClusterClient>().GetGrain<IIdentityGrain>(Guid.NewGuid().ToString("N")).WhoAmI();
        });
        Assert.Contains("Unable to connect", refusal.Message);
    }

    private async Task<IHost> StartClientAsync(
        IReadOnlyDictionary<string, string?> tlsSettings,
        CancellationToken ct,
        Action<IClientBuilder>? configureIntruder = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [CodeChatClusterOptions.ClusterIdKey] = Cluster.ClusterId,
            [CodeChatClusterOptions.ServiceIdKey] = Cluster.ClusterId,
        });
        builder.Configuration.AddInMemoryCollection(tlsSettings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.UseCodeChatCluster(Cluster.ConnectionString);
            if (configureIntruder is not null)
            {
                configureIntruder(client);
                // Orleans retries a failed first connection for about three minutes by default.
                client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            }
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
