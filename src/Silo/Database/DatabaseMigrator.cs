using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CodeChat.Silo.Database;

/// <summary>
/// Brings a database to the newest schema. Each migration runs in its own transaction together with
/// its row in <c>schema_version</c>; a session advisory lock makes silos that start together take
/// turns, so a migration is applied exactly once.
/// </summary>
public sealed class DatabaseMigrator
{
    /// <summary>Advisory lock key shared by every CodeChat.NET migrator ("CodeChat" in ASCII).</summary>
    public const long AdvisoryLockKey = 0x436F64654368_6174;

    private readonly IReadOnlyList<Migration> _migrations;
    private readonly ILogger _logger;

    public DatabaseMigrator(IReadOnlyList<Migration>? migrations = null, ILogger<DatabaseMigrator>? logger = null)
    {
        _migrations = migrations ?? MigrationCatalog.Embedded;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Applies every pending migration and returns the ones this call applied.</summary>
    public async Task<IReadOnlyList<Migration>> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_version (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken).ConfigureAwait(false);

            var applied = await AppliedVersionsAsync(connection, cancellationToken).ConfigureAwait(false);
            var appliedNow = new List<Migration>();
            foreach (var migration in _migrations.Where(m => !applied.Contains(m.Version)))
            {
                await ApplyAsync(connection, migration, cancellationToken).ConfigureAwait(false);
                appliedNow.Add(migration);
            }

            if (appliedNow.Count > 0)
            {
                _logger.LogInformation("Database schema migrated to version {Version} ({Count} migrations applied)",
                    appliedNow[^1].Version, appliedNow.Count);
            }

            return appliedNow;
        }
        finally
        {
            // A cancelled token must not leave the lock held on a pooled connection.
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    public Task<IReadOnlyList<Migration>> MigrateAsync(string connectionString, CancellationToken cancellationToken)
    {
        return MigrateWithOwnDataSourceAsync(connectionString, cancellationToken);
    }

    private async Task<IReadOnlyList<Migration>> MigrateWithOwnDataSourceAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        return await MigrateAsync(dataSource, cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyAsync(NpgsqlConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using (var command = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var record = new NpgsqlCommand("INSERT INTO schema_version (version, name) VALUES (@version, @name)", connection, transaction))
            {
                record.Parameters.AddWithValue("version", migration.Version);
                record.Parameters.AddWithValue("name", migration.Name);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex)
        {
            throw new InvalidOperationException($"Migration {migration} failed: {ex.MessageText} (SQLSTATE {ex.SqlState})", ex);
        }

        _logger.LogInformation("Applied migration {Migration}", migration.ToString());
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var versions = new HashSet<int>();
        await using var command = new NpgsqlCommand("SELECT version FROM schema_version", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
