using CodeChat.Testing;

namespace CodeChat.Hosting.Tests;

/// <summary>
/// Two silos on a fresh database that speak mutual TLS with certificates of one throw-away cluster CA:
/// silo 0 reads a PEM certificate and key, silo 1 a password-protected .pfx.
/// </summary>
public sealed class TlsClusterFixture(PostgresServerFixture server) : IAsyncLifetime
{
    private TwoSiloCluster? _cluster;

    public ClusterCertificateFiles Certificates { get; } = new();

    public TwoSiloCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster starts in InitializeAsync.");

    public async ValueTask InitializeAsync()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var silo0 = Certificates.IssuePem("silo0");
        var silo1 = Certificates.IssuePfx("silo1");
        _cluster = await TwoSiloCluster.StartAsync(connectionString, CancellationToken.None, silo => silo == 0 ? silo0 : silo1);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        Certificates.Dispose();
    }
}
