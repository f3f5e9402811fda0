using CodeChat.Api.Cluster;
using CodeChat.Silo.Database;
using CodeChat.Silo.Hosting;
using CodeChat.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CodeChat.Hosting.Tests;

/// <summary>
/// The real Program under WebApplicationFactory, the way API tests host it: settings given late
/// (ConfigureAppConfiguration) must still decide the database and the Orleans ports.
/// </summary>
public sealed class SiloProgramTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task Program_starts_on_the_configured_database_migrates_it_and_joins_the_cluster()
    {
        var ct = TestContext.Current.CancellationToken;
        var clusterId = $"program-{Guid.NewGuid():N}";
        await using var factory = new WebApplicationFactory<CodeChat.Silo.Program>().WithWebHostBuilder(web =>
            web.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"ConnectionStrings:{CodeChatDatabase.ConnectionStringName}"] = database.ConnectionString,
                [CodeChat.Secrets.MasterKey.ConfigurationKey] = TestSecrets.MasterKeyText,
                [CodeChatClusterOptions.ClusterIdKey] = clusterId,
                [CodeChatClusterOptions.SiloPortKey] = "0",
                [CodeChatClusterOptions.GatewayPortKey] = "0",
                // A cluster member on loopback: needs no TLS (a non-loopback one would refuse to start without it).
                [CodeChatClusterOptions.AdvertisedAddressKey] = "127.0.0.1",
            })));

        _ = factory.Server; // starts the host: database, migrations, silo, HTTP

        var resolved = factory.Services.GetRequiredService<CodeChatDatabase>();
        Assert.Equal(DatabaseMode.External, resolved.Mode);
        var expected = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var served = new NpgsqlConnectionStringBuilder(factory.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString);
        Assert.Equal((expected.Host, expected.Port, expected.Database), (served.Host, served.Port, served.Database));

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var members = new NpgsqlCommand(
            "SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @cluster AND Status = 3", connection);
        members.Parameters.AddWithValue("cluster", clusterId);
        Assert.Equal(1L, await members.ExecuteScalarAsync(ct));

        await using var versions = new NpgsqlCommand("SELECT count(*) FROM schema_version", connection);
        // Every SQL migration plus the two C# data migrations that encrypt what older versions kept in clear.
        Assert.Equal((long)MigrationCatalog.Embedded.Count + 2, await versions.ExecuteScalarAsync(ct));
    }
}
