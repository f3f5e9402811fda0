using System.Text;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Chats;
using CodeChat.Grains.Events;
using CodeChat.Grains.History;
using CodeChat.Grains.Messages;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// Stores a history-sync chunk in ONE transaction with the events that describe it (api-contract.md §6):
/// its chats (<c>chats.set</c>, the chats met for the first time), the people it names that are new or
/// changed (<c>contacts.upsert</c>, streamed per chunk), and its messages (<c>messages.set</c>, in
/// batches, may repeat), in that order. Messages are keyed like live ones (instance, chat, id, fromMe),
/// so a chunk the phone sends again stores nothing twice and raises no event again.
/// </summary>
public sealed class PostgresHistoryStore(NpgsqlDataSource dataSource, PostgresInstanceEventStore outbox)
{
    /// <summary>Messages per <c>messages.set</c> event.</summary>
    public const int MessagesPerEvent = 100;

    /// <summary>Writes the chunk; returns what was new and how many events were appended (the caller wakes the dispatcher).</summary>
    public async Task<HistorySaveOutcome> SaveAsync(
        string instanceName, long instanceId, string? ownerJid, HistoryChunk chunk, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentNullException.ThrowIfNull(chunk);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var newChats = new List<ChatView>();
        foreach (var chat in chunk.Chats)
        {
            if (await UpsertChatAsync(connection, transaction, instanceName, chat, at, cancellationToken) is { } created)
                newChats.Add(created);
        }
        // Later sightings of the same person win (the PUSH_NAME chunk's names over a conversation's).
        var contacts = new Dictionary<string, ContactView>(StringComparer.Ordinal);
        foreach (var (sighting, nameIsFallback) in chunk.Contacts)
        {
            var named = nameIsFallback && await HasNameAsync(connection, transaction, instanceName, sighting, cancellationToken)
                ? sighting with { PushName = null }
                : sighting;
            var (contact, _) = await PostgresChatStore.RecordContactAsync(connection, transaction, instanceName, named, at, cancellationToken);
            if (contact is not null)
            {
                contacts.Remove(contact.RemoteJid);
                contacts[contact.RemoteJid] = contact;
            }
        }
        var messages = new List<StoredMessage>();
        foreach (var message in chunk.Messages)
        {
            if (await PostgresMessageStore.InsertAsync(connection, transaction, instanceName, message, at, cancellationToken) is { } stored)
                messages.Add(stored);
        }

        var events = 0;
        if (newChats.Count > 0)
        {
            await outbox.AppendAsync(connection, transaction, Draft(instanceName, instanceId, ownerJid, InstanceEventNames.ChatsSet,
                w => { foreach (var chat in newChats) ChatRowJson.WriteChat(w, chat, instanceId); }), cancellationToken);
            events++;
        }
        if (contacts.Count > 0)
        {
            await outbox.AppendAsync(connection, transaction, ChatEventPayloads.ContactsUpsert(instanceName, instanceId, ownerJid, contacts.Values), cancellationToken);
            events++;
        }
        foreach (var batch in messages.Chunk(MessagesPerEvent))
        {
            await outbox.AppendAsync(connection, transaction, Draft(instanceName, instanceId, ownerJid, InstanceEventNames.MessagesSet,
                w => { foreach (var message in batch) NewMessagePayload.WriteRecord(w, message); }), cancellationToken);
            events++;
        }
        await transaction.CommitAsync(cancellationToken);
        return new HistorySaveOutcome(newChats.Count, contacts.Count, messages.Count, events);
    }

    /// <summary>
    /// The chat with what the phone knows of it (name, LID, newest message time, unread count); the
    /// row when it was met for the first time, else null.
    /// </summary>
    private static async Task<ChatView?> UpsertChatAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string instanceName, HistoryChat chat, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var upsert = new NpgsqlCommand(
            $"""
            INSERT INTO chats (instance_name, remote_jid, lid, kind, name, last_message_timestamp, unread_count, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
            ON CONFLICT (instance_name, remote_jid) DO UPDATE SET
                lid = COALESCE(chats.lid, excluded.lid),
                name = COALESCE(excluded.name, chats.name),
                last_message_timestamp = GREATEST(chats.last_message_timestamp, excluded.last_message_timestamp),
                unread_count = excluded.unread_count,
                updated_at = excluded.updated_at
            RETURNING {PostgresChatStore.ChatColumns}, xmax = 0
            """, connection, transaction);
        upsert.Parameters.Add(Text(instanceName));
        upsert.Parameters.Add(Text(chat.RemoteJid));
        upsert.Parameters.Add(Text(chat.Lid));
        upsert.Parameters.Add(Text(ChatKinds.Name(ChatKinds.Of(chat.RemoteJid))));
        upsert.Parameters.Add(Text(chat.Name));
        upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)chat.LastMessageTimestamp ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        upsert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = chat.UnreadCount });
        upsert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
        await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetBoolean(PostgresChatStore.ChatColumnCount) ? PostgresChatStore.ReadChat(reader) : null;
    }

    private static async Task<bool> HasNameAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string instanceName, ContactSighting sighting, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM contacts WHERE instance_name = $1 AND remote_jid IN ($2, $3) AND push_name IS NOT NULL)", connection, transaction);
        select.Parameters.Add(Text(instanceName));
        select.Parameters.Add(Text(sighting.PhoneJid ?? sighting.Lid));
        select.Parameters.Add(Text(sighting.Lid ?? sighting.PhoneJid));
        return await select.ExecuteScalarAsync(cancellationToken) is true;
    }

    private static InstanceEventDraft Draft(string instanceName, long instanceId, string? ownerJid, string eventName, Action<Utf8JsonWriter> items)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            items(writer);
            writer.WriteEndArray();
        }
        return new InstanceEventDraft(instanceName, instanceId, ownerJid, eventName, Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}

/// <summary>What a history chunk added: new chats, new or changed contacts, new messages, and the events appended for them.</summary>
public sealed record HistorySaveOutcome(int NewChats, int Contacts, int NewMessages, int Events);
