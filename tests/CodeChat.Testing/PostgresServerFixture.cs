using CodeChat.Silo.Database;
using Npgsql;
using Xunit;

namespace CodeChat.Testing;

/// <summary>
/// One embedded PostgreSQL server for a whole test run, in a temporary folder that is deleted
/// afterwards. Register it once per test assembly with
/// <c>[assembly: AssemblyFixture(typeof(PostgresServerFixture))]</c>; test classes then take a
/// <see cref="PostgresDatabaseFixture"/> (a fresh database each) or call
/// <see cref="CreateDatabaseAsync"/> themselves.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("codechat-test-pg-").FullName;

    public PostgresServerFixture()
    {
        Server = new EmbeddedPostgresServer(new EmbeddedPostgresOptions
        {
            DataDirectory = _folder,
            // A throw-away cluster: durability only costs time here.
            RelaxDurability = true,
            MaxConnections = 300,
        });
    }

    public EmbeddedPostgresServer Server { get; }

    public async ValueTask InitializeAsync() => await Server.StartAsync(CancellationToken.None);

    /// <summary>Creates an empty database <c>test_&lt;guid&gt;</c> and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = $"test_{Guid.NewGuid():N}";
        await Server.CreateDatabaseAsync(name, cancellationToken);
        return Server.ConnectionStringFor(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open must not fail the run; the folder is in the temp area anyway.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
