using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// The instance event outbox on PostgreSQL (deploy/sql/0021_instance_events.sql). Appending takes
/// the instance's next sequence and inserts the row in one transaction; the sequence row lock makes
/// concurrent appends of one instance queue up, so sequences have no gaps and never repeat. A draft
/// with an id (an event staged in the instance record) is appended at most once: appending it again
/// returns the row already stored. Appends that stand alone are group-committed: those arriving
/// while a write is in flight share the next transaction, so a burst costs one WAL flush per batch
/// rather than one per event (the per-event flush capped a loaded 2-core machine at a few hundred
/// events per second). The price: one batch at a time per silo, so a batch waiting for an instance's
/// sequence row (locked by a message transaction of that instance) delays the other instances'
/// standalone appends for that long.
/// </summary>
public sealed partial class PostgresInstanceEventStore : IInstanceEventSink
{
    private const string Columns = "id, instance_name, sequence, instance_id, owner_jid, event, data::text, created_at";
    private const int MaxBatch = 500;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly GroupCommitQueue<InstanceEventDraft, InstanceEventRecord> _groupCommit;

    public PostgresInstanceEventStore(NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger<PostgresInstanceEventStore>? logger = null)
    {
        _dataSource = dataSource;
        _timeProvider = timeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        // A batch refused because of its data (class 22, e.g. malformed JSON; class 23, a constraint) is
        // written again draft by draft through the staged path, which finds a draft already stored, so
        // only the bad draft fails. Any other failure fails the batch: the database is not answering.
        _groupCommit = new(
            InsertBatchAsync,
            AppendStagedAsync,
            exception => exception is PostgresException { SqlState: [ '2', '2' or '3', ..] },
            MaxBatch,
            (exception, count) => LogWrittenOneByOne(count, exception));
    }

    /// <summary>Batches written so far, and the largest: lets a test see the group commit at work.</summary>
    internal (long Batches, int Largest) BatchStatistics => (Interlocked.Read(ref _batches), Volatile.Read(ref _largestBatch));

    private long _batches;
    private int _largestBatch;

    public Task<InstanceEventRecord> AppendAsync(InstanceEventDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return draft.Id is null
            ? _groupCommit.WriteAsync(draft with { Id = Guid.CreateVersion7(_timeProvider.GetUtcNow()) }, cancellationToken)
            : AppendStagedAsync(draft, cancellationToken);
    }

    private async Task<InstanceEventRecord> AppendStagedAsync(InstanceEventDraft draft, CancellationToken cancellationToken)
    {
        var stagedId = draft.Id!.Value;
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

    /// <summary>
    /// One transaction for many drafts (each with its id set): every instance in the batch takes a
    /// block of sequences with one upsert, in name order so two writers lock sequence rows in the same
    /// order, and the drafts of one instance get them in the order they were queued.
    /// </summary>
    internal async Task<IReadOnlyList<InstanceEventRecord>> InsertBatchAsync(
        IReadOnlyList<InstanceEventDraft> drafts, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _batches);
        var largest = Volatile.Read(ref _largestBatch);
        while (drafts.Count > largest && Interlocked.CompareExchange(ref _largestBatch, drafts.Count, largest) != largest)
            largest = Volatile.Read(ref _largestBatch);
        if (drafts.Count == 1)
            return [await InsertAsync(drafts[0], drafts[0].Id!.Value, cancellationToken)];

        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var draft in drafts)
            counts[draft.InstanceName] = counts.GetValueOrDefault(draft.InstanceName) + 1;

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var nextSequence = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var reserve = new NpgsqlCommand(
            """
            INSERT INTO instance_event_sequences (instance_name, last_sequence)
            SELECT name, count FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS block(name, count, position)
            ORDER BY position
            ON CONFLICT (instance_name) DO UPDATE SET last_sequence = instance_event_sequences.last_sequence + EXCLUDED.last_sequence
            RETURNING instance_name, last_sequence
            """, connection, transaction))
        {
            reserve.Parameters.Add(new NpgsqlParameter { Value = counts.Keys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            reserve.Parameters.Add(new NpgsqlParameter { Value = counts.Values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            await using var reader = await reserve.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                nextSequence[name] = reader.GetInt64(1) - counts[name] + 1;
            }
        }

        var ids = new Guid[drafts.Count];
        var sequences = new long[drafts.Count];
        for (var i = 0; i < drafts.Count; i++)
        {
            ids[i] = drafts[i].Id!.Value;
            sequences[i] = nextSequence[drafts[i].InstanceName]++;
        }

        var stored = new Dictionary<Guid, InstanceEventRecord>(drafts.Count);
        await using (var insert = new NpgsqlCommand(
            $"""
            INSERT INTO instance_events (id, instance_name, sequence, instance_id, owner_jid, event, data, created_at)
            SELECT id, name, sequence, instance_id, owner_jid, event, data::json, now()
            FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[])
                AS draft(id, name, sequence, instance_id, owner_jid, event, data)
            RETURNING {Columns}
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            insert.Parameters.Add(TextArray(drafts.Select(draft => (string?)draft.InstanceName)));
            insert.Parameters.Add(new NpgsqlParameter { Value = sequences, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            insert.Parameters.Add(new NpgsqlParameter
            {
                Value = drafts.Select(draft => draft.InstanceId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint,
            });
            insert.Parameters.Add(TextArray(drafts.Select(draft => draft.OwnerJid)));
            insert.Parameters.Add(TextArray(drafts.Select(draft => (string?)draft.Event)));
            insert.Parameters.Add(TextArray(drafts.Select(draft => (string?)draft.DataJson)));
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var record = Read(reader);
                stored[record.Id] = record;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return [.. ids.Select(id => stored[id])];
    }

    private async Task<InstanceEventRecord?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM instance_events WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private async Task<InstanceEventRecord> InsertAsync(InstanceEventDraft draft, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
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
        var id = draft.Id ?? Guid.CreateVersion7(_timeProvider.GetUtcNow());
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
        await using var command = _dataSource.CreateCommand(
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "An outbox batch of {Count} events was refused for its data; writing them one by one so only the bad one fails")]
    private partial void LogWrittenOneByOne(int count, Exception exception);

    private static NpgsqlParameter TextArray(IEnumerable<string?> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
}
