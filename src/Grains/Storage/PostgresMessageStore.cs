using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Events;
using CodeChat.Grains.Messages;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// The message store on PostgreSQL (deploy/sql/0070_messages.sql). Saving is idempotent on the
/// WhatsApp key, so a message WhatsApp delivers twice (we crashed before our receipt) keeps its
/// first row and id. Status changes follow <see cref="MessageStatusTransition"/> and are recorded
/// in <c>message_updates</c> in the same transaction.
/// </summary>
public sealed class PostgresMessageStore(NpgsqlDataSource dataSource, PostgresInstanceEventStore? outbox = null)
{
    internal const string Columns =
        "id, key_remote_jid, key_id, key_from_me, key_participant, sender_pn, sender_lid, push_name, message_type, content, message_timestamp, device, status";

    /// <summary>Stores the message unless a message with its key is stored already; either way returns the row.</summary>
    public Task<SavedMessage> SaveAsync(string instanceName, NewMessage message, DateTimeOffset at, CancellationToken cancellationToken) =>
        SaveAsync(instanceName, message, at, whenCreated: null, cancellationToken);

    /// <summary>
    /// As <see cref="SaveAsync(string, NewMessage, DateTimeOffset, CancellationToken)"/>; when the row is new,
    /// <paramref name="whenCreated"/> runs in the same transaction before it commits (the chat and contact
    /// the message reveals, with their events), so they are stored together or not at all.
    /// </summary>
    public async Task<SavedMessage> SaveAsync(
        string instanceName, NewMessage message, DateTimeOffset at,
        Func<NpgsqlConnection, NpgsqlTransaction, StoredMessage, CancellationToken, Task>? whenCreated, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentNullException.ThrowIfNull(message);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var created = await InsertAsync(connection, transaction, instanceName, message, at, cancellationToken);
        if (created is null)
        {
            var existing = await FindByKeyAsync(connection, transaction, instanceName, message.Key, cancellationToken)
                ?? throw new InvalidOperationException("A message key conflicted but no row holds it.");
            await transaction.CommitAsync(cancellationToken);
            return new SavedMessage(existing, Created: false);
        }
        if (whenCreated is not null)
            await whenCreated(connection, transaction, created, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SavedMessage(created, Created: true);
    }

    /// <summary>
    /// Inserts the message and its first status row in the caller's transaction unless its key is stored
    /// already; returns the new row, or null for a key that was there (nothing written then).
    /// </summary>
    internal static async Task<StoredMessage?> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string instanceName, NewMessage message, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            $"""
            INSERT INTO messages (instance_name, key_remote_jid, key_id, key_from_me, key_participant, sender_pn, sender_lid,
                                  push_name, message_type, content, message_timestamp, device, status, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
            ON CONFLICT (instance_name, key_remote_jid, key_id, key_from_me) DO NOTHING
            RETURNING {Columns}
            """, connection, transaction);
        insert.Parameters.Add(Text(instanceName));
        insert.Parameters.Add(Text(message.Key.RemoteJid));
        insert.Parameters.Add(Text(message.Key.Id));
        insert.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = message.Key.FromMe });
        insert.Parameters.Add(Text(message.Participant));
        insert.Parameters.Add(Text(message.SenderPn));
        insert.Parameters.Add(Text(message.SenderLid));
        insert.Parameters.Add(Text(message.PushName));
        insert.Parameters.Add(Text(message.MessageType));
        insert.Parameters.Add(new NpgsqlParameter { Value = message.ContentJson, NpgsqlDbType = NpgsqlDbType.Json });
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = message.MessageTimestamp });
        insert.Parameters.Add(Text(message.Device));
        insert.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)message.Status });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
        StoredMessage? created;
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            created = await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        }
        if (created is not null)
            await AddUpdateAsync(connection, transaction, instanceName, created.Id, message.Status, at, cancellationToken);
        return created;
    }

    /// <summary>
    /// Applies a receipt or a send outcome. Null when no message has the key; otherwise the change,
    /// with <see cref="MessageStatusChange.Advanced"/> false when the status did not move (a repeated
    /// or late receipt), in which case nothing was written.
    /// </summary>
    public Task<MessageStatusChange?> UpdateStatusAsync(string instanceName, MessageKey key, MessageStatus status, DateTimeOffset at, CancellationToken cancellationToken) =>
        UpdateStatusAsync(instanceName, key, status, at, eventOf: null, cancellationToken);

    /// <summary>
    /// As <see cref="UpdateStatusAsync(string, MessageKey, MessageStatus, DateTimeOffset, CancellationToken)"/>;
    /// when the status advanced, the event <paramref name="eventOf"/> makes of the change is appended to
    /// the outbox in the same transaction, so the status and its <c>messages.update</c> are durable together.
    /// </summary>
    public async Task<MessageStatusChange?> UpdateStatusAsync(
        string instanceName, MessageKey key, MessageStatus status, DateTimeOffset at,
        Func<MessageStatusChange, InstanceEventDraft>? eventOf, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentNullException.ThrowIfNull(key);
        if (eventOf is not null && outbox is null)
            throw new InvalidOperationException("This message store was made without the outbox; it cannot record events.");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var select = new NpgsqlCommand(
            """
            SELECT id, status FROM messages
            WHERE instance_name = $1 AND key_remote_jid = $2 AND key_id = $3 AND key_from_me = $4
            FOR UPDATE
            """, connection, transaction);
        AddKey(select, instanceName, key);
        long id;
        MessageStatus current;
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            id = reader.GetInt64(0);
            current = (MessageStatus)reader.GetInt16(1);
        }
        if (!MessageStatusTransition.Advances(current, status))
            return new MessageStatusChange(id, current, current, Advanced: false);

        await using (var update = new NpgsqlCommand("UPDATE messages SET status = $2, updated_at = $3 WHERE id = $1", connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            update.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)status });
            update.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await AddUpdateAsync(connection, transaction, instanceName, id, status, at, cancellationToken);
        var change = new MessageStatusChange(id, current, status, Advanced: true);
        if (eventOf is not null)
            await outbox!.AppendAsync(connection, transaction, eventOf(change), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return change;
    }

    /// <summary>
    /// Applies a receipt for a message we sent, found by its WhatsApp id (receipts name the reader, not
    /// the chat as we stored it). The status moves forward as in <see cref="UpdateStatusAsync(string, MessageKey, MessageStatus, DateTimeOffset, CancellationToken)"/>;
    /// the event <paramref name="eventOf"/> makes is appended in the same transaction when the status
    /// advanced, or, for a group member's receipt (<paramref name="participant"/> set), for every member
    /// and status once (its id is the idempotency key); that event is returned, for the caller to hand
    /// to the webhook dispatcher after the commit. Null when we sent no message with that id.
    /// </summary>
    public async Task<(StoredMessage Message, MessageStatusChange Change, InstanceEventRecord? Event)?> RecordReceiptAsync(
        string instanceName, string messageId, MessageStatus status, string? participant, DateTimeOffset at,
        Func<StoredMessage, MessageStatusChange, InstanceEventDraft> eventOf, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentNullException.ThrowIfNull(eventOf);
        if (outbox is null)
            throw new InvalidOperationException("This message store was made without the outbox; it cannot record events.");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        StoredMessage? message;
        await using (var select = new NpgsqlCommand(
            $"""
            SELECT {Columns} FROM messages
            WHERE instance_name = $1 AND key_id = $2 AND key_from_me
            ORDER BY id DESC LIMIT 1
            FOR UPDATE
            """, connection, transaction))
        {
            select.Parameters.Add(Text(instanceName));
            select.Parameters.Add(Text(messageId));
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            message = await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        }
        if (message is null)
            return null;

        var advanced = MessageStatusTransition.Advances(message.Status, status);
        if (advanced)
        {
            await using (var update = new NpgsqlCommand("UPDATE messages SET status = $2, updated_at = $3 WHERE id = $1", connection, transaction))
            {
                update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = message.Id });
                update.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)status });
                update.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
                await update.ExecuteNonQueryAsync(cancellationToken);
            }
            await AddUpdateAsync(connection, transaction, instanceName, message.Id, status, at, cancellationToken);
        }
        var change = new MessageStatusChange(message.Id, message.Status, advanced ? status : message.Status, advanced);
        InstanceEventRecord? recorded = null;
        if (advanced || participant is not null)
            recorded = await outbox.AppendAsync(connection, transaction, eventOf(message, change), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (message with { Status = change.Current }, change, recorded);
    }

    /// <summary>
    /// Messages this instance accepted for sending that WhatsApp's server never acked (PENDING, sent by
    /// us), oldest first: what a new session sends again, with the same ids.
    /// </summary>
    public async Task<IReadOnlyList<StoredMessage>> FindPendingOutgoingAsync(string instanceName, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM messages WHERE instance_name = $1 AND key_from_me AND status = $2 ORDER BY id LIMIT $3");
        command.Parameters.Add(Text(instanceName));
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)MessageStatus.Pending });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var pending = new List<StoredMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            pending.Add(Read(reader));
        return pending;
    }

    /// <summary>The message with CodeChat's numeric id, in this instance only.</summary>
    public async Task<StoredMessage?> FindAsync(string instanceName, long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM messages WHERE instance_name = $1 AND id = $2");
        command.Parameters.Add(Text(instanceName));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>
    /// The newest message with a WhatsApp message id (what <c>options.quoted</c> names), optionally
    /// in one chat: ids are random, so two chats sharing one is rare but not excluded.
    /// </summary>
    public async Task<StoredMessage?> FindByMessageIdAsync(string instanceName, string messageId, string? remoteJid, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {Columns} FROM messages
            WHERE instance_name = $1 AND key_id = $2 AND ($3::text IS NULL OR key_remote_jid = $3)
            ORDER BY id DESC LIMIT 1
            """);
        command.Parameters.Add(Text(instanceName));
        command.Parameters.Add(Text(messageId));
        command.Parameters.Add(Text(remoteJid));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Every status a message went through, oldest first (CodeChat's <c>MessageUpdate[]</c>); revokes and edits are not statuses.</summary>
    public async Task<IReadOnlyList<(MessageStatus Status, DateTimeOffset DateTime)>> StatusHistoryAsync(string instanceName, long messageId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT status, date_time FROM message_updates WHERE instance_name = $1 AND message_id = $2 AND revision IS NULL ORDER BY id");
        command.Parameters.Add(Text(instanceName));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = messageId });
        var history = new List<(MessageStatus, DateTimeOffset)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            history.Add(((MessageStatus)reader.GetInt16(0), reader.GetFieldValue<DateTimeOffset>(1)));
        return history;
    }

    private static async Task<StoredMessage?> FindByKeyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string instanceName, MessageKey key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM messages WHERE instance_name = $1 AND key_remote_jid = $2 AND key_id = $3 AND key_from_me = $4",
            connection, transaction);
        AddKey(command, instanceName, key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static async Task AddUpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string instanceName, long messageId, MessageStatus status, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO message_updates (instance_name, message_id, status, date_time) VALUES ($1, $2, $3, $4)", connection, transaction);
        command.Parameters.Add(Text(instanceName));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = messageId });
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)status });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddKey(NpgsqlCommand command, string instanceName, MessageKey key)
    {
        command.Parameters.Add(Text(instanceName));
        command.Parameters.Add(Text(key.RemoteJid));
        command.Parameters.Add(Text(key.Id));
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = key.FromMe });
    }

    internal static StoredMessage Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        new MessageKey(reader.GetString(1), reader.GetString(2), reader.GetBoolean(3)),
        NullableText(reader, 4),
        NullableText(reader, 5),
        NullableText(reader, 6),
        NullableText(reader, 7),
        reader.GetString(8),
        reader.GetString(9),
        reader.GetInt64(10),
        NullableText(reader, 11),
        (MessageStatus)reader.GetInt16(12));

    private static string? NullableText(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
