using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Webhooks;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// Delivery progress on PostgreSQL (deploy/sql/0030_webhooks.sql): lines, replays, the delivery log
/// and dead letters. Each attempt's log row and the line's new state are written in one batch (one
/// implicit transaction), so a crash never leaves an acknowledged event unlogged or the reverse.
/// </summary>
public sealed class PostgresWebhookLineStore(NpgsqlDataSource dataSource)
{
    private const string EventColumns = "e.id, e.instance_name, e.sequence, e.instance_id, e.owner_jid, e.event, e.data::text, e.created_at";

    public async Task<WebhookLineState> GetLineAsync(string instanceName, string endpoint, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT acked_sequence, head_attempts, head_failed_at, next_attempt_at FROM webhook_lines WHERE instance_name = $1 AND endpoint = $2");
        command.Parameters.Add(Text(instanceName));
        command.Parameters.Add(Text(endpoint));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return WebhookLineState.Start;
        return new WebhookLineState(reader.GetInt64(0), reader.GetInt32(1), NullableTime(reader, 2), NullableTime(reader, 3));
    }

    /// <summary>
    /// Moves the line past events it does not deliver (filtered out, other incarnation). Committed
    /// without waiting for the WAL flush, as a delivered attempt is: if a crash loses it, the line
    /// skips the same events again.
    /// </summary>
    public async Task AdvanceAsync(string instanceName, string endpoint, long toSequence, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(CommitWithoutWaitingForFlush());
        var advance = new NpgsqlBatchCommand(AckLineSql);
        advance.Parameters.Add(Text(instanceName));
        advance.Parameters.Add(Text(endpoint));
        advance.Parameters.Add(new NpgsqlParameter { Value = toSequence });
        batch.BatchCommands.Add(advance);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookReplayItem>> ReadReplaysAsync(string instanceName, string endpoint, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT r.id, r.attempts, r.first_failed_at, r.next_attempt_at, {EventColumns}
            FROM webhook_replays r JOIN instance_events e ON e.id = r.event_id
            WHERE r.instance_name = $1 AND r.endpoint = $2 ORDER BY r.id LIMIT $3
            """);
        command.Parameters.Add(Text(instanceName));
        command.Parameters.Add(Text(endpoint));
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var items = new List<WebhookReplayItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            items.Add(new WebhookReplayItem(reader.GetInt64(0), ReadEvent(reader, 4), reader.GetInt32(1), NullableTime(reader, 2), NullableTime(reader, 3)));
        return items;
    }

    /// <summary>Queues the instance's events with the given ids or sequences (in sequence order); returns their sequences.</summary>
    public async Task<IReadOnlyList<long>> QueueReplaysAsync(
        string instanceName, string endpoint, Guid? eventId, long? fromSequence, long? toSequence, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO webhook_replays (instance_name, endpoint, event_id)
            SELECT instance_name, $2, id FROM instance_events
            WHERE instance_name = $1 AND ($3::uuid IS NULL OR id = $3) AND ($4::bigint IS NULL OR sequence >= $4)
              AND ($5::bigint IS NULL OR sequence <= $5)
            ORDER BY sequence
            RETURNING (SELECT sequence FROM instance_events WHERE id = event_id)
            """);
        command.Parameters.Add(Text(instanceName));
        command.Parameters.Add(Text(endpoint));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)eventId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)fromSequence ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)toSequence ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        var sequences = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            sequences.Add(reader.GetInt64(0));
        sequences.Sort();
        return sequences;
    }

    /// <summary>How many of the instance's events a replay of this selection would queue.</summary>
    public async Task<long> CountEventsAsync(string instanceName, Guid? eventId, long? fromSequence, long? toSequence, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT count(*) FROM instance_events
            WHERE instance_name = $1 AND ($2::uuid IS NULL OR id = $2) AND ($3::bigint IS NULL OR sequence >= $3)
              AND ($4::bigint IS NULL OR sequence <= $4)
            """);
        command.Parameters.Add(Text(instanceName));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)eventId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)fromSequence ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)toSequence ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Logs one attempt and applies its decision to the line (or to the replay item) in one batch:
    /// acknowledged, rescheduled, or dead-lettered.
    /// </summary>
    public async Task RecordAttemptAsync(WebhookAttemptRecord attempt, CancellationToken cancellationToken)
    {
        var record = attempt.Record;
        await using var batch = dataSource.CreateBatch();
        if (attempt.Decision.Kind == WebhookDecisionKind.Delivered)
        {
            // A delivered attempt commits without waiting for the WAL flush (one fsync less per event,
            // the bulk of a busy line's cost). A crash can lose the last few such acks; their events
            // are then delivered again with the same webhook-id — at-least-once, as promised — while
            // failures, dead letters and the outbox itself stay synchronously durable.
            batch.BatchCommands.Add(CommitWithoutWaitingForFlush());
        }
        var log = new NpgsqlBatchCommand(
            """
            INSERT INTO webhook_attempts (instance_name, endpoint, event_id, sequence, event, attempt, outcome, status_code,
                                          error, latency_ms, attempted_at, next_attempt_at, replay)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            """);
        log.Parameters.Add(Text(record.InstanceName));
        log.Parameters.Add(Text(attempt.Endpoint));
        log.Parameters.Add(new NpgsqlParameter { Value = record.Id });
        log.Parameters.Add(new NpgsqlParameter { Value = record.Sequence });
        log.Parameters.Add(Text(record.Event));
        log.Parameters.Add(new NpgsqlParameter { Value = attempt.Attempt });
        log.Parameters.Add(Text(attempt.Outcome));
        log.Parameters.Add(new NpgsqlParameter { Value = (object?)attempt.Response.StatusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        log.Parameters.Add(Text(attempt.Decision.Error));
        log.Parameters.Add(new NpgsqlParameter { Value = attempt.Response.Latency.TotalMilliseconds });
        log.Parameters.Add(Time(attempt.AttemptedAt));
        log.Parameters.Add(Time(attempt.Decision.NextAttemptAt));
        log.Parameters.Add(new NpgsqlParameter { Value = attempt.ReplayId is not null });
        batch.BatchCommands.Add(log);

        var finished = attempt.Decision.Kind != WebhookDecisionKind.Retry;
        if (attempt.ReplayId is { } replayId)
        {
            var replay = finished
                ? new NpgsqlBatchCommand("DELETE FROM webhook_replays WHERE id = $1")
                : new NpgsqlBatchCommand(
                    "UPDATE webhook_replays SET attempts = $2, first_failed_at = coalesce(first_failed_at, $3), next_attempt_at = $4 WHERE id = $1");
            replay.Parameters.Add(new NpgsqlParameter { Value = replayId });
            if (!finished)
            {
                replay.Parameters.Add(new NpgsqlParameter { Value = attempt.Attempt });
                replay.Parameters.Add(Time(attempt.AttemptedAt));
                replay.Parameters.Add(Time(attempt.Decision.NextAttemptAt));
            }
            batch.BatchCommands.Add(replay);
            if (attempt.Decision.Kind == WebhookDecisionKind.Delivered)
            {
                var replayed = new NpgsqlBatchCommand(
                    "UPDATE webhook_dead_letters SET replayed_at = $4 WHERE instance_name = $1 AND endpoint = $2 AND event_id = $3");
                replayed.Parameters.Add(Text(record.InstanceName));
                replayed.Parameters.Add(Text(attempt.Endpoint));
                replayed.Parameters.Add(new NpgsqlParameter { Value = record.Id });
                replayed.Parameters.Add(Time(attempt.AttemptedAt));
                batch.BatchCommands.Add(replayed);
            }
        }
        else
        {
            NpgsqlBatchCommand line;
            if (finished)
            {
                line = new NpgsqlBatchCommand(AckLineSql);
                line.Parameters.Add(Text(record.InstanceName));
                line.Parameters.Add(Text(attempt.Endpoint));
                line.Parameters.Add(new NpgsqlParameter { Value = record.Sequence });
            }
            else
            {
                line = new NpgsqlBatchCommand(
                    """
                    INSERT INTO webhook_lines (instance_name, endpoint, acked_sequence, head_attempts, head_failed_at, next_attempt_at)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (instance_name, endpoint) DO UPDATE SET
                        head_attempts = EXCLUDED.head_attempts,
                        head_failed_at = coalesce(webhook_lines.head_failed_at, EXCLUDED.head_failed_at),
                        next_attempt_at = EXCLUDED.next_attempt_at, updated_at = now()
                    """);
                line.Parameters.Add(Text(record.InstanceName));
                line.Parameters.Add(Text(attempt.Endpoint));
                line.Parameters.Add(new NpgsqlParameter { Value = record.Sequence - 1 });
                line.Parameters.Add(new NpgsqlParameter { Value = attempt.Attempt });
                line.Parameters.Add(Time(attempt.AttemptedAt));
                line.Parameters.Add(Time(attempt.Decision.NextAttemptAt));
            }
            batch.BatchCommands.Add(line);
        }

        if (attempt.Decision.Kind is WebhookDecisionKind.DeadLetter or WebhookDecisionKind.Gone)
        {
            var dead = new NpgsqlBatchCommand(
                """
                INSERT INTO webhook_dead_letters (instance_name, endpoint, event_id, sequence, event, attempts, last_status_code, last_error, dead_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (instance_name, endpoint, event_id) DO UPDATE SET
                    attempts = webhook_dead_letters.attempts + EXCLUDED.attempts, last_status_code = EXCLUDED.last_status_code,
                    last_error = EXCLUDED.last_error, dead_at = EXCLUDED.dead_at, replayed_at = NULL
                """);
            dead.Parameters.Add(Text(record.InstanceName));
            dead.Parameters.Add(Text(attempt.Endpoint));
            dead.Parameters.Add(new NpgsqlParameter { Value = record.Id });
            dead.Parameters.Add(new NpgsqlParameter { Value = record.Sequence });
            dead.Parameters.Add(Text(record.Event));
            dead.Parameters.Add(new NpgsqlParameter { Value = attempt.Attempt });
            dead.Parameters.Add(new NpgsqlParameter { Value = (object?)attempt.Response.StatusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            dead.Parameters.Add(Text(attempt.Decision.Error));
            dead.Parameters.Add(Time(attempt.AttemptedAt));
            batch.BatchCommands.Add(dead);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<IReadOnlyList<WebhookAttemptView>> ListAttemptsAsync(WebhookLogQuery query, CancellationToken cancellationToken) =>
        ListLogAsync("webhook_attempts",
            "attempt, outcome, status_code, error, latency_ms, attempted_at, next_attempt_at, replay",
            query, reader => new WebhookAttemptView
            {
                Id = reader.GetInt64(0),
                Endpoint = reader.GetString(1),
                EventId = reader.GetGuid(2),
                Sequence = reader.GetInt64(3),
                Event = reader.GetString(4),
                Attempt = reader.GetInt32(5),
                Outcome = reader.GetString(6),
                StatusCode = NullableInt(reader, 7),
                Error = NullableText(reader, 8),
                LatencyMs = reader.GetDouble(9),
                AttemptedAt = reader.GetFieldValue<DateTimeOffset>(10),
                NextAttemptAt = NullableTime(reader, 11),
                Replay = reader.GetBoolean(12),
            }, cancellationToken);

    public Task<IReadOnlyList<WebhookDeadLetterView>> ListDeadLettersAsync(WebhookLogQuery query, CancellationToken cancellationToken) =>
        ListLogAsync("webhook_dead_letters",
            "attempts, last_status_code, last_error, dead_at, replayed_at",
            query, reader => new WebhookDeadLetterView
            {
                Id = reader.GetInt64(0),
                Endpoint = reader.GetString(1),
                EventId = reader.GetGuid(2),
                Sequence = reader.GetInt64(3),
                Event = reader.GetString(4),
                Attempts = reader.GetInt32(5),
                LastStatusCode = NullableInt(reader, 6),
                LastError = NullableText(reader, 7),
                DeadLetteredAt = reader.GetFieldValue<DateTimeOffset>(8),
                ReplayedAt = NullableTime(reader, 9),
            }, cancellationToken);

    /// <summary>
    /// One page of a per-event log table (attempts or dead letters), newest first: the shared columns
    /// (id, endpoint, event_id, sequence, event) at 0–4, then <paramref name="columns"/>.
    /// </summary>
    private async Task<IReadOnlyList<T>> ListLogAsync<T>(
        string table, string columns, WebhookLogQuery query, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT id, endpoint, event_id, sequence, event, {columns}
            FROM {table}
            WHERE instance_name = $1 AND ($2::text IS NULL OR endpoint = $2) AND ($3::uuid IS NULL OR event_id = $3)
              AND ($4::bigint IS NULL OR id < $4)
            ORDER BY id DESC LIMIT $5
            """);
        command.Parameters.Add(Text(query.InstanceName));
        command.Parameters.Add(Text(query.Endpoint));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.EventId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.BeforeId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = query.Limit });
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(map(reader));
        return rows;
    }

    /// <summary>
    /// Lines with work: undelivered events on an active endpoint (the global one when
    /// <paramref name="globalConfigured"/>), or queued replays. <c>Due</c> is false while the head waits
    /// for its next retry.
    /// </summary>
    public async Task<IReadOnlyList<PendingWebhookLine>> PendingAsync(bool globalConfigured, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH lines AS (
                SELECT s.instance_name, 'global' AS endpoint, s.last_sequence, coalesce(l.acked_sequence, 0) AS acked, l.next_attempt_at
                FROM instance_event_sequences s
                LEFT JOIN webhook_lines l ON l.instance_name = s.instance_name AND l.endpoint = 'global'
                WHERE $1
                UNION ALL
                SELECT w.instance_name, 'instance', s.last_sequence, coalesce(l.acked_sequence, 0), l.next_attempt_at
                FROM webhook_endpoints w
                JOIN instance_event_sequences s ON s.instance_name = w.instance_name
                LEFT JOIN webhook_lines l ON l.instance_name = w.instance_name AND l.endpoint = 'instance'
                WHERE w.enabled AND w.disabled_reason IS NULL
            )
            SELECT instance_name, endpoint, last_sequence - acked,
                   (SELECT e.created_at FROM instance_events e
                    WHERE e.instance_name = lines.instance_name AND e.sequence > lines.acked ORDER BY e.sequence LIMIT 1),
                   next_attempt_at IS NULL OR next_attempt_at <= now()
            FROM lines WHERE last_sequence > acked
            UNION ALL
            SELECT instance_name, endpoint, count(*), min(requested_at), bool_or(next_attempt_at IS NULL OR next_attempt_at <= now())
            FROM webhook_replays GROUP BY instance_name, endpoint
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = globalConfigured });
        var pending = new List<PendingWebhookLine>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            pending.Add(new PendingWebhookLine(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), NullableTime(reader, 3), reader.GetBoolean(4)));
        return pending;
    }

    /// <summary>Drops delivery-log rows older than <paramref name="cutoff"/>.</summary>
    public async Task<int> PruneAttemptsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM webhook_attempts WHERE attempted_at < $1");
        command.Parameters.Add(Time(cutoff));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The first command of a batch whose commit need not wait for the WAL flush. set_config(…, true)
    /// lasts until the batch's implicit transaction commits, and (unlike SET LOCAL) does not warn outside
    /// an explicit transaction block. This relies on Npgsql sending the batch with one Sync (its
    /// default): with error barriers on, set_config would be a transaction of its own.
    /// </summary>
    private static NpgsqlBatchCommand CommitWithoutWaitingForFlush() => new("SELECT set_config('synchronous_commit', 'off', true)");

    private const string AckLineSql =
        """
        INSERT INTO webhook_lines (instance_name, endpoint, acked_sequence) VALUES ($1, $2, $3)
        ON CONFLICT (instance_name, endpoint) DO UPDATE SET
            acked_sequence = greatest(webhook_lines.acked_sequence, EXCLUDED.acked_sequence),
            head_attempts = 0, head_failed_at = NULL, next_attempt_at = NULL, updated_at = now()
        """;

    private static InstanceEventRecord ReadEvent(NpgsqlDataReader reader, int offset) => new(
        reader.GetGuid(offset),
        reader.GetString(offset + 1),
        reader.GetInt64(offset + 2),
        reader.GetInt64(offset + 3),
        reader.IsDBNull(offset + 4) ? null : reader.GetString(offset + 4),
        reader.GetString(offset + 5),
        reader.GetString(offset + 6),
        reader.GetFieldValue<DateTimeOffset>(offset + 7));

    private static int? NullableInt(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    private static string? NullableText(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static NpgsqlParameter Time(DateTimeOffset? value) =>
        new() { Value = (object?)value?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Text(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
