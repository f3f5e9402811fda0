using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Events;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// The instance event outbox on PostgreSQL (deploy/sql/0021_instance_events.sql). Appending takes
/// the instance's next sequence and inserts the row in one transaction; the sequence row lock makes
/// concurrent appends of one instance queue up, so sequences have no gaps and never repeat. A draft
/// with an id (an event staged in the instance record) is appended at most once: appending it again
/// returns the row already stored.
/// </summary>
public sealed class PostgresInstanceEventStore(NpgsqlDataSource dataSource, TimeProvider timeProvider) : IInstanceEventSink
{
    private const string Columns = "id, instance_name, sequence, instance_id, owner_jid, event, data::text, created_at";

    public async Task<InstanceEventRecord> AppendAsync(InstanceEventDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.Id is not { } stagedId)
            return await InsertAsync(draft, Guid.CreateVersion7(timeProvider.GetUtcNow()), cancellationToken);

        if (await FindAsync(stagedId, cancellationToken) is { } stored)
            return stored;
        try
        {
            return await InsertAsync(draft, stagedId, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation
            && exception.ConstraintName == "instance_events_pkey")
        {
            // Another relay of the same staged event committed first; its transaction took the sequence.
            return await FindAsync(stagedId, cancellationToken)
                ?? throw new InvalidOperationException("A staged event conflicted on its id but is not stored.", exception);
        }
    }

    private async Task<InstanceEventRecord?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM instance_events WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private async Task<InstanceEventRecord> InsertAsync(InstanceEventDraft draft, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var record = await AppendAsync(connection, transaction, draft with { Id = id }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return record;
    }

    /// <summary>
    /// Appends inside the caller's transaction, so a change of stored state and the event that reports
    /// it commit together (api-contract.md §6); a draft whose id is stored already returns that row.
    /// The caller wakes the dispatcher after its commit.
    /// </summary>
    public async Task<InstanceEventRecord> AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, InstanceEventDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.Id is { } given)
        {
            await using var find = new NpgsqlCommand($"SELECT {Columns} FROM instance_events WHERE id = $1", connection, transaction);
            find.Parameters.Add(new NpgsqlParameter { Value = given });
            await using var existing = await find.ExecuteReaderAsync(cancellationToken);
            if (await existing.ReadAsync(cancellationToken))
                return Read(existing);
        }
        var id = draft.Id ?? Guid.CreateVersion7(timeProvider.GetUtcNow());
        long sequence;
        await using (var next = new NpgsqlCommand(
            """
            INSERT INTO instance_event_sequences (instance_name, last_sequence) VALUES ($1, 1)
            ON CONFLICT (instance_name) DO UPDATE SET last_sequence = instance_event_sequences.last_sequence + 1
            RETURNING last_sequence
            """, connection, transaction))
        {
            next.Parameters.Add(Text(draft.InstanceName));
            sequence = (long)(await next.ExecuteScalarAsync(cancellationToken))!;
        }

        InstanceEventRecord record;
        await using (var insert = new NpgsqlCommand(
            $"""
            INSERT INTO instance_events (id, instance_name, sequence, instance_id, owner_jid, event, data, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7::json, now())
            RETURNING {Columns}
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = id });
            insert.Parameters.Add(Text(draft.InstanceName));
            insert.Parameters.Add(new NpgsqlParameter { Value = sequence });
            insert.Parameters.Add(new NpgsqlParameter { Value = draft.InstanceId });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)draft.OwnerJid ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(Text(draft.Event));
            insert.Parameters.Add(Text(draft.DataJson));
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            record = Read(reader);
        }
        return record;
    }

    /// <summary>Events of one instance with a sequence above <paramref name="afterSequence"/>, in order.</summary>
    public async Task<IReadOnlyList<InstanceEventRecord>> ReadAsync(
        string instanceName, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM instance_events WHERE instance_name = $1 AND sequence > $2 ORDER BY sequence LIMIT $3");
        command.Parameters.Add(Text(instanceName));
        command.Parameters.Add(new NpgsqlParameter { Value = afterSequence });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var records = new List<InstanceEventRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            records.Add(Read(reader));
        return records;
    }

    private static InstanceEventRecord Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetInt64(2),
        reader.GetInt64(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.GetString(5),
        reader.GetString(6),
        reader.GetFieldValue<DateTimeOffset>(7));

    private static NpgsqlParameter Text(string value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Text };
}
