using Npgsql;

namespace CodeChat.Silo.Database;

/// <summary>
/// Runs a data migration written in C# (one that needs what SQL alone cannot do, such as encryption)
/// exactly once: under the migrators' advisory lock, in one transaction with its <c>schema_version</c>
/// row, skipped when that row exists.
/// </summary>
public static class OneTimeDataMigration
{
    /// <summary>Applies <paramref name="apply"/> unless <paramref name="version"/> is recorded; returns whether this call applied it.</summary>
    public static async Task<bool> RunAsync(
        NpgsqlDataSource dataSource, int version, string name,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> apply, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({DatabaseMigrator.AdvisoryLockKey})", cancellationToken);
        try
        {
            await using (var applied = new NpgsqlCommand("SELECT count(*) FROM schema_version WHERE version = $1", connection))
            {
                applied.Parameters.Add(new NpgsqlParameter { Value = version });
                if ((long)(await applied.ExecuteScalarAsync(cancellationToken))! > 0)
                    return false;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await apply(connection, transaction, cancellationToken);
            await using (var record = new NpgsqlCommand("INSERT INTO schema_version (version, name) VALUES ($1, $2)", connection, transaction))
            {
                record.Parameters.Add(new NpgsqlParameter { Value = version });
                record.Parameters.Add(new NpgsqlParameter { Value = name });
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        finally
        {
            // A cancelled token must not leave the lock held on a pooled connection.
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({DatabaseMigrator.AdvisoryLockKey})", CancellationToken.None);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
