using CodeChat.Api.Cluster;
using CodeChat.Grains;
using CodeChat.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace CodeChat.Api.Tests;

/// <summary>
/// Two in-process silos whose grain storage, like the silo host's, is Orleans' ADO.NET storage on the
/// same PostgreSQL database as the instance tables (deleting an instance removes its state row in the
/// same transaction as its other rows).
/// </summary>
public sealed class InstanceGrainClusterFixture(PostgresServerFixture server) : IAsyncLifetime
{
    public MigratedPostgresDatabaseFixture Postgres { get; } = new(server);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await Postgres.InitializeAsync();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAdoNetGrainStorageAsDefault(storage =>
            {
                storage.Invariant = CodeChatClusterOptions.NpgsqlInvariant;
                storage.ConnectionString = Postgres.ConnectionString;
            });
            silo.Services.AddSingleton(Postgres.DataSource);
            silo.Services.AddTestDataProtection();
            silo.Services.AddCodeChatGrains();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
