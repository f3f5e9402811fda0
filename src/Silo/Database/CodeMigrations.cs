using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Silo.Database;

/// <summary>
/// Schema versions written in C#, for conversions SQL cannot do (encrypting stored values with the
/// key ring). Each runs under the migrators' advisory lock, in one transaction with its
/// <c>schema_version</c> row, so it happens once per database however many silos start together.
/// </summary>
public static class CodeMigrations
{
    /// <summary>
    /// Runs <paramref name="apply"/> in a transaction and records <paramref name="version"/>, unless
    /// <c>schema_version</c> already has it; returns whether this call applied it.
    /// </summary>
    public static async Task<bool> ApplyOnceAsync(
        NpgsqlDataSource dataSource, int version, string name,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> apply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(apply);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({DatabaseMigrator.AdvisoryLockKey})", cancellationToken);
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
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({DatabaseMigrator.AdvisoryLockKey})", CancellationToken.None);
        }
    }

    /// <summary>
    /// Reads every row <paramref name="select"/> finds (<paramref name="read"/> gives its key columns
    /// and its secret), then runs <paramref name="update"/> with the key columns as $1.. and the
    /// protected secret last. Returns how many rows it converted.
    /// </summary>
    public static async Task<int> ProtectRowsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string select,
        Func<NpgsqlDataReader, (object[] Key, byte[] Secret)> read, string update, Func<byte[], byte[]> protect,
        CancellationToken cancellationToken)
    {
        var rows = new List<(object[] Key, byte[] Secret)>();
        await using (var query = new NpgsqlCommand(select, connection, transaction))
        await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                rows.Add(read(reader));
        }

        foreach (var (key, secret) in rows)
        {
            await using var command = new NpgsqlCommand(update, connection, transaction);
            foreach (var column in key)
                command.Parameters.Add(new NpgsqlParameter { Value = column });
            command.Parameters.Add(new NpgsqlParameter { Value = protect(secret), NpgsqlDbType = NpgsqlDbType.Bytea });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return rows.Count;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
