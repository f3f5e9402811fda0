using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using CodeChat.Api.Cluster;
using CodeChat.Silo.Database;
using CodeChat.Silo.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace CodeChat.Hosting.Tests;

/// <summary>
/// The product as ./run.sh starts it (no ConnectionStrings:CodeChat, so an embedded database): one
/// machine, one silo, Orleans ports that nothing but this process can reach, and a fast restart after
/// a crash.
/// </summary>
public sealed class EmbeddedHostTests(EmbeddedHostFolder folder) : IClassFixture<EmbeddedHostFolder>
{
    /// <summary>Orleans' SiloStatus values as the membership table stores them.</summary>
    private const int ActiveStatus = 3;
    private const int DeadStatus = 6;

    [Fact]
    public async Task The_silo_and_gateway_ports_listen_on_loopback_only()
    {
        await using var host = EmbeddedHost();
        _ = host.Server; // starts database, silo and HTTP

        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(IPAddress.Loopback, endpoints.AdvertisedIPAddress);
        // The sockets the kernel actually has open on those ports, not just what was configured.
        var listeners = IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners();
        foreach (var port in new[] { endpoints.SiloPort, endpoints.GatewayPort })
        {
            var bound = listeners.Where(listener => listener.Port == port).ToList();
            Assert.NotEmpty(bound);
            Assert.All(bound, listener => Assert.Equal(IPAddress.Loopback, listener.Address));
        }

        // And from this machine's own network address, if it has one, the ports do not answer.
        if (NonLoopbackAddress() is { } external)
        {
            foreach (var port in new[] { endpoints.SiloPort, endpoints.GatewayPort })
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                var refused = await Assert.ThrowsAsync<SocketException>(async () =>
                    await probe.ConnectAsync(new IPEndPoint(external, port), TestContext.Current.CancellationToken));
                Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
            }
        }
    }

    [Fact]
    public async Task A_restart_after_a_crash_marks_the_dead_incarnation_dead_and_starts_promptly()
    {
        var ct = TestContext.Current.CancellationToken;
        // What a killed silo of port 0 leaves behind: its row still "active", alive a moment ago, on a
        // port nobody listens on any more.
        var deadPort = UnusedLoopbackPort();
        await using (var server = new EmbeddedPostgresServer(new EmbeddedPostgresOptions { DataDirectory = folder.Path }))
        {
            await server.StartAsync(ct);
            await new DatabaseMigrator().MigrateAsync(server.ConnectionString, ct);
            await ExecuteAsync(server.ConnectionString, """
                INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@cluster) ON CONFLICT DO NOTHING;
                INSERT INTO OrleansMembershipTable
                    (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
                VALUES (@cluster, '127.0.0.1', @port, 1, 'killed', 'localhost', @active, @port, now() - interval '1 minute', now());
                """, deadPort, ct);
            await server.StopAsync(ct);
        }

        var started = Stopwatch.StartNew();
        await using var host = EmbeddedHost();
        _ = host.Server;
        using var client = host.CreateClient();
        using var ready = await client.GetAsync("/health/ready", ct);
        started.Stop();

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var connectionString = host.Services.GetRequiredService<CodeChatDatabase>().ConnectionString;
        Assert.Equal(DeadStatus, await StatusOfAsync(connectionString, deadPort, ct));
        // Without the reset Orleans waited about 108 s for the dead entry; a loaded CI needs far less than this.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(60), $"ready after {started.Elapsed}");
    }

    [Fact]
    public async Task A_non_loopback_advertised_address_with_the_embedded_database_is_refused()
    {
        // A bare silo host: WebApplicationFactory cannot be disposed after its host failed to start.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [CodeChatDatabase.DataPathKey] = folder.Path,
            [CodeChatClusterOptions.AdvertisedAddressKey] = "192.0.2.10",
        });
        builder.AddCodeChatDatabase();
        builder.UseOrleans(silo => silo.UseCodeChatCluster());
        using var host = builder.Build();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));

        var problem = ClusterExposureTests.ClusterConfigurationExceptionIn(failure);
        Assert.Contains("embedded", problem.Message);
        Assert.Contains("ConnectionStrings:CodeChat", problem.Message);
    }

    private WebApplicationFactory<CodeChat.Silo.Program> EmbeddedHost(IReadOnlyDictionary<string, string?>? settings = null) =>
        new WebApplicationFactory<CodeChat.Silo.Program>().WithWebHostBuilder(web =>
            web.ConfigureAppConfiguration((_, configuration) =>
            {
                configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    [CodeChatDatabase.DataPathKey] = folder.Path,
                    [CodeChatClusterOptions.SiloPortKey] = "0",
                    [CodeChatClusterOptions.GatewayPortKey] = "0",
                });
                configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
            }));

    private static IPAddress? NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    private static int UnusedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, int port, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("cluster", CodeChatClusterOptions.DefaultClusterId);
        command.Parameters.AddWithValue("port", port);
        command.Parameters.AddWithValue("active", ActiveStatus);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<int> StatusOfAsync(string connectionString, int port, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = @cluster AND Port = @port", connection);
        command.Parameters.AddWithValue("cluster", CodeChatClusterOptions.DefaultClusterId);
        command.Parameters.AddWithValue("port", port);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }
}
