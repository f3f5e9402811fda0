using CodeChat.Grains.Abstractions.Queues;
using CodeChat.Grains.Events;
using CodeChat.Grains.Queues;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// Send queues on PostgreSQL (deploy/sql/0130_send_queues.sql). Every change is fenced by the queue's
/// version (a writer that read an older version changes nothing and learns it lost) and commits with
/// the events that report it, in one transaction (api-contract.md §6): a queue's state never moves
/// without its event, and no event is recorded for a change that did not happen.
/// </summary>
public sealed class PostgresSendQueueStore(NpgsqlDataSource dataSource, PostgresInstanceEventStore outbox)
{
    private const string QueueColumns =
        "queue_id, instance_name, instance_id, owner_jid, status, message, message_type, content::text, options::text, next_position, version, created_at, updated_at";

    /// <summary>Stores a new queue with its recipients and <paramref name="started"/>; false (nothing written) when the id is taken.</summary>
    public async Task<bool> CreateAsync(StoredSendQueue queue, InstanceEventDraft started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO send_queues (queue_id, instance_name, instance_id, owner_jid, status, message, message_type, content, options,
                                     recipient_count, next_position, version, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::json, $9::json, $10, 0, 0, $11, $11)
            ON CONFLICT (queue_id) DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = queue.QueueId });
            insert.Parameters.Add(Text(queue.InstanceName));
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = queue.InstanceId });
            insert.Parameters.Add(Text(queue.OwnerJid));
            insert.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)queue.Status });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = queue.Message });
            insert.Parameters.Add(Text(queue.MessageType));
            insert.Parameters.Add(Text(queue.ContentJson));
            insert.Parameters.Add(Text(queue.OptionsJson));
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = queue.Recipients.Count });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = queue.CreatedAt });
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
                return false;
        }

        // One statement for all recipients: a 10 000-recipient mailing is one round trip.
        await using (var recipients = new NpgsqlCommand(
            """
            INSERT INTO send_queue_recipients (queue_id, instance_name, position, number, jid, message_id)
            SELECT $1, $2, r.position, r.number, r.jid, r.message_id
            FROM unnest($3::integer[], $4::text[], $5::text[], $6::text[]) AS r(position, number, jid, message_id)
            """, connection, transaction))
        {
            recipients.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = queue.QueueId });
            recipients.Parameters.Add(Text(queue.InstanceName));
            recipients.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. queue.Recipients.Select(r => r.Position)] });
            recipients.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. queue.Recipients.Select(r => r.Number)] });
            recipients.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. queue.Recipients.Select(r => r.Jid)] });
            recipients.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. queue.Recipients.Select(r => r.MessageId)] });
            await recipients.ExecuteNonQueryAsync(cancellationToken);
        }
        await outbox.AppendAsync(connection, transaction, started, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The queue with its recipients in order, or null when there is none (never made, completed, deleted).</summary>
    public async Task<StoredSendQueue?> FindAsync(Guid queueId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var queues = await ReadAsync(connection, "queue_id = $1", new NpgsqlParameter<Guid> { TypedValue = queueId }, cancellationToken);
        return queues.Count == 0 ? null : queues[0];
    }

    /// <summary>The instance's queues, oldest first.</summary>
    public async Task<IReadOnlyList<StoredSendQueue>> ListAsync(string instanceName, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, "instance_name = $1", Text(instanceName), cancellationToken);
    }

    /// <summary>Sets the status with its event; false when <paramref name="version"/> is stale (nothing written).</summary>
    public Task<bool> ChangeStatusAsync(Guid queueId, long version, SendQueueStatus status, InstanceEventDraft changed, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteFencedAsync(queueId, version, at, [changed], cancellationToken, async (connection, transaction) =>
        {
            await using var update = new NpgsqlCommand("UPDATE send_queues SET status = $2 WHERE queue_id = $1", connection, transaction);
            update.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = queueId });
            update.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)status });
            await update.ExecuteNonQueryAsync(cancellationToken);
        });

    /// <summary>
    /// Records a recipient's outcome (with its events) and moves the cursor past it; false when
    /// <paramref name="version"/> is stale (nothing written).
    /// </summary>
    public Task<bool> RecordOutcomeAsync(
        Guid queueId, long version, int position, RecipientOutcome outcome, string? error, IReadOnlyList<InstanceEventDraft> events,
        DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteFencedAsync(queueId, version, at, events, cancellationToken, async (connection, transaction) =>
        {
            await using (var update = new NpgsqlCommand(
                "UPDATE send_queue_recipients SET outcome = $3, error = $4 WHERE queue_id = $1 AND position = $2", connection, transaction))
            {
                update.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = queueId });
                update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = position });
                update.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)outcome });
                update.Parameters.Add(Text(error));
                await update.ExecuteNonQueryAsync(cancellationToken);
            }
            await using var cursor = new NpgsqlCommand(
                "UPDATE send_queues SET next_position = GREATEST(next_position, $2 + 1) WHERE queue_id = $1", connection, transaction);
            cursor.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = queueId });
            cursor.Parameters.Add(new NpgsqlParameter<int> { TypedValue = position });
            await cursor.ExecuteNonQueryAsync(cancellationToken);
        });

    /// <summary>Records the intent to message the recipient at <paramref name="position"/> (outcome "sending"); false when <paramref name="version"/> is stale.</summary>
    public Task<bool> RecordIntentAsync(Guid queueId, long version, int position, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteFencedAsync(queueId, version, at, [], cancellationToken, async (connection, transaction) =>
        {
            await using var update = new NpgsqlCommand(
                "UPDATE send_queue_recipients SET outcome = $3 WHERE queue_id = $1 AND position = $2 AND outcome = 0", connection, transaction);
            update.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = queueId });
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = position });
            update.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)RecipientOutcome.Sending });
            await update.ExecuteNonQueryAsync(cancellationToken);
        });

    /// <summary>Removes the queue (completed or deleted) with its final events; false when <paramref name="version"/> is stale.</summary>
    public Task<bool> RemoveAsync(Guid queueId, long version, IReadOnlyList<InstanceEventDraft> events, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteFencedAsync(queueId, version, at, events, cancellationToken, async (connection, transaction) =>
        {
            await using var delete = new NpgsqlCommand("DELETE FROM send_queues WHERE queue_id = $1", connection, transaction);
            delete.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = queueId });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        });

    private async Task<bool> WriteFencedAsync(
        Guid queueId, long version, DateTimeOffset at, IReadOnlyList<InstanceEventDraft> events, CancellationToken cancellationToken,
        Func<NpgsqlConnection, NpgsqlTransaction, Task> change)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var fence = new NpgsqlCommand(
            "UPDATE send_queues SET version = version + 1, updated_at = $3 WHERE queue_id = $1 AND version = $2", connection, transaction))
        {
            fence.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = queueId });
            fence.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
            fence.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
            if (await fence.ExecuteNonQueryAsync(cancellationToken) == 0)
                return false;
        }
        await change(connection, transaction);
        foreach (var draft in events)
            await outbox.AppendAsync(connection, transaction, draft, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static async Task<List<StoredSendQueue>> ReadAsync(
        NpgsqlConnection connection, string where, NpgsqlParameter parameter, CancellationToken cancellationToken)
    {
        // One snapshot for the queue rows and their recipients.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var queues = new List<StoredSendQueue>();
        await using (var select = new NpgsqlCommand($"SELECT {QueueColumns} FROM send_queues WHERE {where} ORDER BY created_at, queue_id", connection, transaction))
        {
            select.Parameters.Add(parameter);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                queues.Add(new StoredSendQueue(
                    reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    (SendQueueStatus)reader.GetInt16(4), reader.GetFieldValue<byte[]>(5), reader.GetString(6), reader.GetString(7),
                    reader.GetString(8), reader.GetInt32(9), reader.GetInt64(10),
                    reader.GetFieldValue<DateTimeOffset>(11), reader.GetFieldValue<DateTimeOffset>(12), []));
            }
        }
        for (var i = 0; i < queues.Count; i++)
        {
            await using var recipients = new NpgsqlCommand(
                "SELECT position, number, jid, message_id, outcome, error FROM send_queue_recipients WHERE queue_id = $1 ORDER BY position",
                connection, transaction);
            recipients.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = queues[i].QueueId });
            var list = new List<StoredRecipient>();
            await using var reader = await recipients.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new StoredRecipient(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    (RecipientOutcome)reader.GetInt16(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
            queues[i] = queues[i] with { Recipients = list };
        }
        await transaction.CommitAsync(cancellationToken);
        return queues;
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
