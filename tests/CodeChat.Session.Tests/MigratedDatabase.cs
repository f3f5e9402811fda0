using CodeChat.Silo.Database;
using CodeChat.Testing;
using Npgsql;

namespace CodeChat.Session.Tests;

/// <summary>A fresh database with every deploy/sql migration applied, shared by one test class.</summary>
public sealed class MigratedDatabase(PostgresServerFixture server) : IAsyncLifetime
{
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await server.CreateDatabaseAsync();
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        await new DatabaseMigrator().MigrateAsync(DataSource, CancellationToken.None);
    }

    public async ValueTask DisposeAsync() => await DataSource.DisposeAsync();
}
