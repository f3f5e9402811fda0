using Xunit;

namespace CodeChat.Testing;

/// <summary>
/// A fresh, empty database per test class on the shared <see cref="PostgresServerFixture"/>.
/// Use as <c>IClassFixture&lt;PostgresDatabaseFixture&gt;</c>; migrations are not applied (the silo
/// applies them at start-up; call <c>DatabaseMigrator.MigrateAsync</c> to apply them directly).
/// </summary>
public sealed class PostgresDatabaseFixture(PostgresServerFixture server) : IAsyncLifetime
{
    private string? _connectionString;

    public PostgresServerFixture Server { get; } = server;

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The database is created in InitializeAsync.");

    public async ValueTask InitializeAsync() => _connectionString = await Server.CreateDatabaseAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
