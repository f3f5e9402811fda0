using CodeChat.Grains.Abstractions.Chats;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// Chats and contacts on PostgreSQL (deploy/sql/0140_chats_contacts.sql). <see cref="RecordAsync"/>
/// runs inside the transaction that stores a message, so a new chat or contact and its event are
/// durable together with the message; the find methods serve the <c>/chat/find*</c> routes.
/// </summary>
public sealed class PostgresChatStore(NpgsqlDataSource dataSource)
{
    internal const string ChatColumns = "id, remote_jid, lid, kind, name, last_message_timestamp, created_at, updated_at, archived, pinned_at, mute_end_time, marked_unread";
    internal const string ContactColumns = "id, remote_jid, lid, push_name, username, profile_pic_url, created_at, updated_at, name";

    /// <summary>
    /// Notes a message in <paramref name="chat"/> (and, when someone else sent it, its
    /// <paramref name="sender"/>) in the caller's transaction. Returns what changed: a chat or contact
    /// met for the first time, or a contact whose push name or LID changed.
    /// </summary>
    public async Task<ChatSightingOutcome> RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string instanceName, ChatSighting chat, ContactSighting? sender,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentNullException.ThrowIfNull(chat);
        ChatView? newChat;
        await using (var upsert = new NpgsqlCommand(
            $"""
            INSERT INTO chats (instance_name, remote_jid, lid, kind, last_message_timestamp, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $6)
            ON CONFLICT (instance_name, remote_jid) DO UPDATE SET
                lid = COALESCE(chats.lid, excluded.lid),
                last_message_timestamp = GREATEST(chats.last_message_timestamp, excluded.last_message_timestamp),
                updated_at = excluded.updated_at
            RETURNING {ChatColumns}, xmax = 0
            """, connection, transaction))
        {
            upsert.Parameters.Add(Text(instanceName));
            upsert.Parameters.Add(Text(chat.RemoteJid));
            upsert.Parameters.Add(Text(chat.Lid));
            upsert.Parameters.Add(Text(ChatKinds.Name(ChatKinds.Of(chat.RemoteJid))));
            upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = chat.MessageTimestamp });
            upsert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            newChat = reader.GetBoolean(12) ? ReadChat(reader) : null;
        }

        if (sender is null)
            return new ChatSightingOutcome(newChat, null, null);
        var (contact, inserted) = await RecordContactAsync(connection, transaction, instanceName, sender, at, cancellationToken);
        return contact is null
            ? new ChatSightingOutcome(newChat, null, null)
            : inserted ? new ChatSightingOutcome(newChat, contact, null) : new ChatSightingOutcome(newChat, null, contact);
    }

    /// <summary>The contact row after the sighting, when it was inserted or changed; null when nothing changed.</summary>
    private static async Task<(ContactView? Contact, bool Inserted)> RecordContactAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string instanceName, ContactSighting sender, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var remoteJid = sender.PhoneJid ?? sender.Lid ?? throw new ArgumentException("A contact needs a phone JID or a LID.", nameof(sender));
        var renamed = 0;
        if (sender is { PhoneJid: { } phone, Lid: { } lid })
        {
            // First met by LID only, now with the phone number: the same person keeps one row, named by the phone JID.
            await using var rename = new NpgsqlCommand(
                """
                UPDATE contacts SET remote_jid = $2, updated_at = $4
                WHERE instance_name = $1 AND remote_jid = $3
                  AND NOT EXISTS (SELECT 1 FROM contacts WHERE instance_name = $1 AND remote_jid = $2)
                """, connection, transaction);
            rename.Parameters.Add(Text(instanceName));
            rename.Parameters.Add(Text(phone));
            rename.Parameters.Add(Text(lid));
            rename.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
            renamed = await rename.ExecuteNonQueryAsync(cancellationToken);
        }

        // Only a change writes (and answers) a row: a message from a known sender with the same name touches nothing.
        await using var upsert = new NpgsqlCommand(
            $"""
            INSERT INTO contacts (instance_name, remote_jid, lid, push_name, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $5)
            ON CONFLICT (instance_name, remote_jid) DO UPDATE SET
                lid = COALESCE(excluded.lid, contacts.lid),
                push_name = COALESCE(excluded.push_name, contacts.push_name),
                updated_at = excluded.updated_at
            WHERE contacts.lid IS DISTINCT FROM COALESCE(excluded.lid, contacts.lid)
               OR contacts.push_name IS DISTINCT FROM COALESCE(excluded.push_name, contacts.push_name)
            RETURNING {ContactColumns}, xmax = 0
            """, connection, transaction);
        upsert.Parameters.Add(Text(instanceName));
        upsert.Parameters.Add(Text(remoteJid));
        upsert.Parameters.Add(Text(sender.Lid));
        upsert.Parameters.Add(Text(string.IsNullOrEmpty(sender.PushName) ? null : sender.PushName));
        upsert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
        await using (var reader = await upsert.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
                return (ReadContact(reader), reader.GetBoolean(9));
        }
        if (renamed == 0)
            return (null, false);
        // Renamed to the phone JID and nothing else changed: still a change of the contact (its wuid).
        await using var select = new NpgsqlCommand($"SELECT {ContactColumns} FROM contacts WHERE instance_name = $1 AND remote_jid = $2", connection, transaction);
        select.Parameters.Add(Text(instanceName));
        select.Parameters.Add(Text(remoteJid));
        await using var renamedRow = await select.ExecuteReaderAsync(cancellationToken);
        return await renamedRow.ReadAsync(cancellationToken) ? (ReadContact(renamedRow), false) : (null, false);
    }

    /// <summary>The instance's chats, most recent conversation first, optionally of one kind.</summary>
    public async Task<IReadOnlyList<ChatView>> FindChatsAsync(string instanceName, ChatKind? kind, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {ChatColumns} FROM chats
            WHERE instance_name = $1 AND ($2::text IS NULL OR kind = $2)
            ORDER BY last_message_timestamp DESC NULLS LAST, id DESC
            """);
        command.Parameters.Add(Text(instanceName));
        command.Parameters.Add(Text(kind is { } k ? ChatKinds.Name(k) : null));
        var chats = new List<ChatView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            chats.Add(ReadChat(reader));
        return chats;
    }

    /// <summary>The chat named by its JID or by its LID, if stored.</summary>
    public async Task<ChatView?> FindChatAsync(string instanceName, string jid, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {ChatColumns} FROM chats
            WHERE instance_name = $1 AND (remote_jid = $2 OR lid = $2)
            ORDER BY remote_jid = $2 DESC, last_message_timestamp DESC NULLS LAST LIMIT 1
            """);
        command.Parameters.Add(Text(instanceName));
        command.Parameters.Add(Text(jid));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadChat(reader) : null;
    }

    /// <summary>The instance's contacts in the order they were met, or the one with this phone JID or LID.</summary>
    public async Task<IReadOnlyList<ContactView>> FindContactsAsync(string instanceName, string? jid, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(jid is null
            ? $"SELECT {ContactColumns} FROM contacts WHERE instance_name = $1 ORDER BY id"
            : $"SELECT {ContactColumns} FROM contacts WHERE instance_name = $1 AND (remote_jid = $2 OR lid = $2) ORDER BY id");
        command.Parameters.Add(Text(instanceName));
        if (jid is not null)
            command.Parameters.Add(Text(jid));
        var contacts = new List<ContactView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            contacts.Add(ReadContact(reader));
        return contacts;
    }

    /// <summary>
    /// Deletes the chat and every message stored in it (with their status histories), in one
    /// transaction. Returns the number of messages deleted, or null when the chat is not stored.
    /// </summary>
    public async Task<long?> DeleteChatAsync(string instanceName, string remoteJid, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long chats;
        await using (var chat = new NpgsqlCommand("DELETE FROM chats WHERE instance_name = $1 AND remote_jid = $2", connection, transaction))
        {
            chat.Parameters.Add(Text(instanceName));
            chat.Parameters.Add(Text(remoteJid));
            chats = await chat.ExecuteNonQueryAsync(cancellationToken);
        }
        long deleted;
        // message_updates rows go with their message (ON DELETE CASCADE).
        await using (var messages = new NpgsqlCommand("DELETE FROM messages WHERE instance_name = $1 AND key_remote_jid = $2", connection, transaction))
        {
            messages.Parameters.Add(Text(instanceName));
            messages.Parameters.Add(Text(remoteJid));
            deleted = await messages.ExecuteNonQueryAsync(cancellationToken);
        }
        if (chats == 0 && deleted == 0)
            return null;
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    internal static ChatView ReadChat(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        NullableText(reader, 2),
        ChatKinds.Parse(reader.GetString(3)),
        NullableText(reader, 4),
        reader.IsDBNull(5) ? null : reader.GetInt64(5),
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetFieldValue<DateTimeOffset>(7),
        reader.GetBoolean(8),
        reader.IsDBNull(9) ? null : reader.GetInt64(9),
        reader.IsDBNull(10) ? null : reader.GetInt64(10),
        reader.GetBoolean(11));

    internal static ContactView ReadContact(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        NullableText(reader, 2),
        NullableText(reader, 3),
        NullableText(reader, 4),
        NullableText(reader, 5),
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetFieldValue<DateTimeOffset>(7),
        NullableText(reader, 8));

    private static string? NullableText(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}

/// <summary>A message seen in a chat: its stored chat JID, the LID of a 1:1 chat when known, and the message's time.</summary>
public sealed record ChatSighting(string RemoteJid, string? Lid, long MessageTimestamp);

/// <summary>The sender of a message someone else sent: phone JID and/or LID (at least one), and the push name it carried.</summary>
public sealed record ContactSighting(string? PhoneJid, string? Lid, string? PushName);

/// <summary>What a sighting changed: a chat met for the first time, a new contact, or a contact whose name or LID changed.</summary>
public sealed record ChatSightingOutcome(ChatView? NewChat, ContactView? NewContact, ContactView? ChangedContact);
