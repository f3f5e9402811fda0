using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// Finds and rewrites the <c>qrcode.updated</c> and <c>passkey.confirmation</c> rows of the outbox whose
/// secrets may go (deploy/sql/0031_qrcode_redaction.sql, 0110_passkey_confirmation_redaction.sql): older than the retention, or delivered to every line that
/// could want them and older than the event-stream grace.
/// </summary>
public sealed class PostgresQrCodeRedactionStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Up to <paramref name="limit"/> unredacted QR events (of one instance, or all when
    /// <paramref name="instanceName"/> is null) that are due. "Delivered" means each line that delivers
    /// this instance's events moved past it (delivered, filtered out or dead-lettered): the global line
    /// when one is configured, the instance line while the instance has an active endpoint.
    /// </summary>
    public async Task<IReadOnlyList<(Guid Id, string DataJson)>> ListDueAsync(
        string? instanceName, TimeSpan deliveredGrace, TimeSpan retention, bool globalConfigured, int limit,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT e.id, e.data::text FROM instance_events e
            WHERE (e.event = 'qrcode.updated' OR e.event = 'passkey.confirmation') AND e.redacted_at IS NULL
              AND ($1::text IS NULL OR e.instance_name = $1)
              AND (e.created_at <= now() - $3::interval
                   OR (e.created_at <= now() - $2::interval
                       AND (NOT $4 OR coalesce((SELECT l.acked_sequence FROM webhook_lines l
                                                WHERE l.instance_name = e.instance_name AND l.endpoint = 'global'), 0) >= e.sequence)
                       AND (NOT EXISTS (SELECT 1 FROM webhook_endpoints w
                                        WHERE w.instance_name = e.instance_name AND w.enabled AND w.disabled_reason IS NULL)
                            OR coalesce((SELECT l.acked_sequence FROM webhook_lines l
                                         WHERE l.instance_name = e.instance_name AND l.endpoint = 'instance'), 0) >= e.sequence)))
            ORDER BY e.created_at LIMIT $5
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)instanceName ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = deliveredGrace, NpgsqlDbType = NpgsqlDbType.Interval });
        command.Parameters.Add(new NpgsqlParameter { Value = retention, NpgsqlDbType = NpgsqlDbType.Interval });
        command.Parameters.Add(new NpgsqlParameter { Value = globalConfigured });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var due = new List<(Guid, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            due.Add((reader.GetGuid(0), reader.GetString(1)));
        return due;
    }

    /// <summary>Stores the redacted data of one event; false when it was redacted meanwhile.</summary>
    public async Task<bool> StoreRedactedAsync(Guid id, string redactedJson, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE instance_events SET data = $2::json, redacted_at = now() WHERE id = $1 AND redacted_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = redactedJson, NpgsqlDbType = NpgsqlDbType.Text });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
