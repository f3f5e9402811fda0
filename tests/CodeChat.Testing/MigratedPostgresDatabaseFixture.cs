using CodeChat.Silo.Database;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;
using Xunit;

namespace CodeChat.Testing;

/// <summary>
/// A fresh database per test class on the shared <see cref="PostgresServerFixture"/>, brought to
/// the newest schema by the silo's own <see cref="DatabaseMigrator"/>, for tests that use the
/// product's tables without starting a silo. Use as
/// <c>IClassFixture&lt;MigratedPostgresDatabaseFixture&gt;</c>.
/// </summary>
public sealed class MigratedPostgresDatabaseFixture(PostgresServerFixture server) : IAsyncLifetime
{
    private string? _connectionString;
    private NpgsqlDataSource? _dataSource;
    private IDataProtectionProvider? _dataProtection;

    public PostgresServerFixture Server { get; } = server;

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The database is created in InitializeAsync.");

    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The database is created in InitializeAsync.");

    /// <summary>Data Protection on this database's key ring with <see cref="TestSecrets.MasterKeyText"/>.</summary>
    public IDataProtectionProvider DataProtection => _dataProtection ??= TestSecrets.DataProtection(DataSource);

    public async ValueTask InitializeAsync()
    {
        _connectionString = await Server.CreateDatabaseAsync();
        _dataSource = NpgsqlDataSource.Create(_connectionString);
        await new DatabaseMigrator().MigrateAsync(_dataSource, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
            await _dataSource.DisposeAsync();
    }
}
