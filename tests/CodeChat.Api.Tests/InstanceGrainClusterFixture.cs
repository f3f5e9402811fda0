using CodeChat.Grains;
using CodeChat.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace CodeChat.Api.Tests;

/// <summary>Two in-process silos with memory grain storage and the instance registry on real PostgreSQL.</summary>
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
            silo.AddMemoryGrainStorage("Default");
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
