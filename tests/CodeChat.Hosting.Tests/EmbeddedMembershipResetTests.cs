using CodeChat.Silo.Database;
using CodeChat.Silo.Hosting;
using CodeChat.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace CodeChat.Hosting.Tests;

/// <summary>The reset of earlier members is for the embedded database only: in a cluster, a listed silo may be alive.</summary>
public sealed class EmbeddedMembershipResetTests(MigratedPostgresDatabaseFixture database) : IClassFixture<MigratedPostgresDatabaseFixture>
{
    [Fact]
    public async Task On_an_external_database_it_refuses_and_leaves_every_member_as_it_was()
    {
        var ct = TestContext.Current.CancellationToken;
        var clusterId = $"guard-{Guid.NewGuid():N}";
        await using (var command = database.DataSource.CreateCommand("""
            INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@cluster);
            INSERT INTO OrleansMembershipTable
                (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
            VALUES (@cluster, '10.0.0.7', 11111, 1, 'other', 'other-host', 3, 30000, now(), now());
            """))
        {
            command.Parameters.AddWithValue("cluster", clusterId);
            await command.ExecuteNonQueryAsync(ct);
        }

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{CodeChatDatabase.ConnectionStringName}"] = database.ConnectionString })
            .Build();
        await using var external = new CodeChatDatabase(configuration, NullLoggerFactory.Instance);
        var reset = new EmbeddedMembershipReset(external, Options.Create(new ClusterOptions { ClusterId = clusterId }), NullLogger<EmbeddedMembershipReset>.Instance);

        await Assert.ThrowsAsync<InvalidOperationException>(() => reset.MarkEarlierMembersDeadAsync(ct));

        await using var status = database.DataSource.CreateCommand("SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = @cluster");
        status.Parameters.AddWithValue("cluster", clusterId);
        Assert.Equal(3, (int)(await status.ExecuteScalarAsync(ct))!);
    }
}
