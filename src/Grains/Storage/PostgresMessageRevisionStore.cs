using CodeChat.Grains.Events;
using CodeChat.Grains.Messages;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// Revokes and edits of stored messages (deploy/sql/0095_message_revisions.sql): the message row is
/// marked, an edit's new content replaces the old one, and a <c>message_updates</c> row keeps what was
/// replaced. Idempotent on the id of the stanza that carried the revoke or edit, so WhatsApp
/// delivering that stanza twice changes the message once.
/// </summary>
public sealed class PostgresMessageRevisionStore(NpgsqlDataSource dataSource, PostgresInstanceEventStore? outbox = null)
{
    /// <summary>
    /// Applies <paramref name="revision"/> to the message <paramref name="target"/> names. Null when no
    /// such message is stored (it predates the link, or was never received).
    /// </summary>
    public Task<RevisionOutcome?> ApplyAsync(string instanceName, RevisionTarget target, MessageRevision revision, DateTimeOffset at, CancellationToken cancellationToken) =>
        ApplyAsync(instanceName, target, revision, at, eventOf: null, cancellationToken);

    /// <summary>
    /// As <see cref="ApplyAsync(string, RevisionTarget, MessageRevision, DateTimeOffset, CancellationToken)"/>;
    /// the event <paramref name="eventOf"/> makes of the changed message is appended to the outbox in the
    /// same transaction (again, under its own id, for a stanza applied before), so the change and its
    /// <c>messages.update</c> are durable together. The caller wakes the dispatcher.
    /// </summary>
    public async Task<RevisionOutcome?> ApplyAsync(string instanceName, RevisionTarget target, MessageRevision revision, DateTimeOffset at,
        Func<StoredMessage, InstanceEventDraft>? eventOf, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(revision);
        if (eventOf is not null && outbox is null)
            throw new InvalidOperationException("This revision store was made without the outbox; it cannot record events.");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        StoredMessage? message;
        await using (var select = new NpgsqlCommand(
            $"""
            SELECT {PostgresMessageStore.Columns} FROM messages
            WHERE instance_name = $1 AND key_remote_jid = $2 AND key_id = $3 AND key_from_me = $4
            FOR UPDATE
            """, connection, transaction))
        {
            select.Parameters.Add(PostgresMessageStore.Text(instanceName));
            select.Parameters.Add(PostgresMessageStore.Text(target.RemoteJid));
            select.Parameters.Add(PostgresMessageStore.Text(target.MessageId));
            select.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = target.FromMe });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            message = await reader.ReadAsync(cancellationToken) ? PostgresMessageStore.Read(reader) : null;
        }
        if (message is null)
            return null;

        await using (var record = new NpgsqlCommand(
            """
            INSERT INTO message_updates (instance_name, message_id, status, date_time, revision, protocol_message_id, previous_message_type, previous_content)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (instance_name, message_id, protocol_message_id) WHERE protocol_message_id IS NOT NULL DO NOTHING
            """, connection, transaction))
        {
            record.Parameters.Add(PostgresMessageStore.Text(instanceName));
            record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = message.Id });
            record.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)message.Status });
            record.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
            record.Parameters.Add(PostgresMessageStore.Text(revision.Kind == RevisionKind.Revoke ? "REVOKE" : "EDIT"));
            record.Parameters.Add(PostgresMessageStore.Text(revision.ProtocolMessageId));
            record.Parameters.Add(PostgresMessageStore.Text(message.MessageType));
            record.Parameters.Add(new NpgsqlParameter { Value = message.ContentJson, NpgsqlDbType = NpgsqlDbType.Json });
            if (await record.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                // This stanza was applied before: nothing changes, the caller raises the same event id again.
                if (eventOf is not null)
                    await outbox!.AppendAsync(connection, transaction, eventOf(message), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new RevisionOutcome(message, Applied: false);
            }
        }

        var sql = revision.Kind == RevisionKind.Revoke
            ? "UPDATE messages SET revoked_at = $2, updated_at = $2 WHERE id = $1"
            : "UPDATE messages SET message_type = $3, content = $4, edited_at = $2, updated_at = $2 WHERE id = $1";
        await using (var update = new NpgsqlCommand(sql, connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = message.Id });
            update.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
            if (revision.Kind == RevisionKind.Edit)
            {
                update.Parameters.Add(PostgresMessageStore.Text(revision.MessageType));
                update.Parameters.Add(new NpgsqlParameter { Value = revision.ContentJson, NpgsqlDbType = NpgsqlDbType.Json });
            }
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        var changed = revision.Kind == RevisionKind.Edit
            ? message with { MessageType = revision.MessageType!, ContentJson = revision.ContentJson! }
            : message;
        if (eventOf is not null)
            await outbox!.AppendAsync(connection, transaction, eventOf(changed), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RevisionOutcome(changed, Applied: true);
    }

    /// <summary>When the message was revoked and last edited (null when never).</summary>
    public async Task<(DateTimeOffset? RevokedAt, DateTimeOffset? EditedAt)> MarksAsync(string instanceName, long messageId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT revoked_at, edited_at FROM messages WHERE instance_name = $1 AND id = $2");
        command.Parameters.Add(PostgresMessageStore.Text(instanceName));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = messageId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return (null, null);
        return (reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
    }

    /// <summary>The contents an edited message had before each edit, oldest first.</summary>
    public async Task<IReadOnlyList<(string MessageType, string ContentJson)>> EditHistoryAsync(string instanceName, long messageId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT previous_message_type, previous_content::text FROM message_updates WHERE instance_name = $1 AND message_id = $2 AND revision = 'EDIT' ORDER BY id");
        command.Parameters.Add(PostgresMessageStore.Text(instanceName));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = messageId });
        var history = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            history.Add((reader.GetString(0), reader.GetString(1)));
        return history;
    }
}
