using CodeChat.Testing;

namespace CodeChat.Hosting.Tests;

/// <summary>One two-silo cluster on a fresh database, shared by the tests of a class (silo start-up is the slow part).</summary>
public sealed class TwoSiloClusterFixture(PostgresServerFixture server) : IAsyncLifetime
{
    private TwoSiloCluster? _cluster;

    public TwoSiloCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster starts in InitializeAsync.");

    public async ValueTask InitializeAsync()
    {
        var connectionString = await server.CreateDatabaseAsync();
        _cluster = await TwoSiloCluster.StartAsync(connectionString, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
