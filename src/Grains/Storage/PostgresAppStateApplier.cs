using System.Text.Json;
using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Chats;
using CodeChat.Grains.Events;
using CodeChat.WhatsApp.AppState;
using CodeChat.WhatsApp.Proto;
using Npgsql;

namespace CodeChat.Grains.Storage;

/// <summary>
/// Applies a verified app-state snapshot or patch: the collection's new version and LT-hash, the chat
/// and contact rows its mutations change, and their <c>chats.update</c> / <c>contacts.update</c> events,
/// all in one transaction — a patch is applied whole or not at all, and never twice.
/// Actions understood (index names from whatsmeow appstate/keys.go): <c>archive</c>, <c>pin_v1</c>,
/// <c>mute</c>, <c>markChatAsRead</c>, <c>deleteChat</c> and <c>contact</c>; the others only move the
/// LT-hash.
/// </summary>
public sealed class PostgresAppStateApplier(NpgsqlDataSource dataSource, PostgresInstanceEventStore outbox)
{
    /// <summary>
    /// Applies <paramref name="decoded"/> on top of version <paramref name="previousVersion"/>. Returns
    /// null when the collection moved meanwhile (nothing applied), else what was applied.
    /// </summary>
    public async Task<AppStateApplyOutcome?> ApplyAsync(
        string instanceName, long instanceId, string? ownerJid, ulong previousVersion, AppStateDecoded decoded, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decoded);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await PostgresAppStateStore.SaveStateAsync(connection, transaction, instanceName, previousVersion, decoded.State, cancellationToken))
            return null;
        var context = new Context(connection, transaction, instanceName, instanceId, ownerJid, at);
        var applied = 0;
        var events = 0;
        foreach (var mutation in decoded.Mutations)
        {
            var drafts = await ApplyAsync(context, mutation, cancellationToken);
            if (drafts is null)
                continue;
            applied++;
            foreach (var draft in drafts)
            {
                await outbox.AppendAsync(connection, transaction, draft, cancellationToken);
                events++;
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return new AppStateApplyOutcome(decoded.Mutations.Count, applied, events);
    }

    private sealed record Context(NpgsqlConnection Connection, NpgsqlTransaction Transaction, string InstanceName, long InstanceId, string? OwnerJid, DateTimeOffset At);

    /// <summary>The events of one mutation, or null when it is not an action we keep.</summary>
    private static async Task<List<InstanceEventDraft>?> ApplyAsync(Context context, AppStateMutation mutation, CancellationToken cancellationToken)
    {
        if (mutation.Index.Count < 2 || mutation.Index[1] is not { Length: > 0 } jid || !jid.Contains('@', StringComparison.Ordinal))
            return null;
        var set = mutation.Operation == SyncdMutation.Types.SyncdOperation.Set;
        var value = mutation.Value;
        switch (mutation.Action)
        {
            case "archive":
                var archived = set && value?.ArchiveChatAction?.Archived == true;
                return await UpdateChatAsync(context, jid, "archived = $3", archived, w => w.WriteBoolean("archived", archived), cancellationToken);
            case "pin_v1":
                long? pinnedAt = set && value?.PinAction?.Pinned == true ? value.Timestamp : null;
                return await UpdateChatAsync(context, jid, "pinned_at = $3", pinnedAt, w => WriteNullableNumber(w, "pinned", pinnedAt), cancellationToken);
            case "mute":
                long? muteEnd = set && value?.MuteAction is { Muted: true } mute ? (mute.HasMuteEndTimestamp ? mute.MuteEndTimestamp : -1) : null;
                return await UpdateChatAsync(context, jid, "mute_end_time = $3", muteEnd, w => WriteNullableNumber(w, "muteEndTime", muteEnd), cancellationToken);
            case "markChatAsRead":
                // A chat read on any device has nothing unread left; marked unread, it keeps its count.
                var read = !set || value?.MarkChatAsReadAction?.Read != false;
                return await UpdateChatAsync(context, jid, "marked_unread = $3, unread_count = CASE WHEN $3 THEN unread_count ELSE 0 END", !read, w => w.WriteNumber("unreadCount", read ? 0 : -1), cancellationToken);
            case "deleteChat" when set:
                return await DeleteChatAsync(context, jid, DeletedThrough(value?.DeleteChatAction), cancellationToken);
            case "contact":
                var action = set ? value?.ContactAction : null;
                var name = action is null ? null : NonEmpty(action.FullName) ?? NonEmpty(action.FirstName);
                return await UpdateContactAsync(context, jid, action?.LidJID is { Length: > 0 } lid ? lid : null, name, cancellationToken);
            default:
                return null;
        }
    }

    private static async Task<List<InstanceEventDraft>> UpdateChatAsync<T>(
        Context context, string jid, string assignment, T value, Action<Utf8JsonWriter> content, CancellationToken cancellationToken)
    {
        var events = new List<InstanceEventDraft>();
        // A person's chat is stored under the phone JID once known; app state may name it by its LID.
        await using (var update = new NpgsqlCommand(
            $"""
            UPDATE chats SET {assignment}, updated_at = $4
            WHERE instance_name = $1 AND (remote_jid = $2 OR lid = $2)
            RETURNING {PostgresChatStore.ChatColumns}
            """, context.Connection, context.Transaction))
        {
            AddChatParameters(update, context, jid, value);
            await using var reader = await update.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var chat = PostgresChatStore.ReadChat(reader);
                events.Add(ChatEventPayloads.ChatUpdated(chat.RemoteJid, chat.Lid, content, context.InstanceName, context.InstanceId, context.OwnerJid));
            }
        }
        if (events.Count > 0)
            return events;

        // A chat no message of ours met yet: it exists from now on, as the phone shows it.
        await using var insert = new NpgsqlCommand(
            $"""
            INSERT INTO chats (instance_name, remote_jid, lid, kind, created_at, updated_at)
            VALUES ($1, $2, $5, $6, $4, $4)
            ON CONFLICT (instance_name, remote_jid) DO NOTHING
            RETURNING {PostgresChatStore.ChatColumns}
            """, context.Connection, context.Transaction);
        insert.Parameters.Add(PostgresChatStore.Text(context.InstanceName));
        insert.Parameters.Add(PostgresChatStore.Text(jid));
        insert.Parameters.Add(new NpgsqlParameter { Value = DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = context.At });
        insert.Parameters.Add(PostgresChatStore.Text(jid.EndsWith("@lid", StringComparison.Ordinal) ? jid : null));
        insert.Parameters.Add(PostgresChatStore.Text(ChatKinds.Name(ChatKinds.Of(jid))));
        ChatView? inserted = null;
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
                inserted = PostgresChatStore.ReadChat(reader);
        }
        if (inserted is null)
            return events;
        events.Add(ChatEventPayloads.ChatUpserted(inserted, context.InstanceName, context.InstanceId, context.OwnerJid));
        await using (var update = new NpgsqlCommand(
            $"UPDATE chats SET {assignment}, updated_at = $4 WHERE instance_name = $1 AND remote_jid = $2", context.Connection, context.Transaction))
        {
            AddChatParameters(update, context, jid, value);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        events.Add(ChatEventPayloads.ChatUpdated(inserted.RemoteJid, inserted.Lid, content, context.InstanceName, context.InstanceId, context.OwnerJid));
        return events;
    }

    private static void AddChatParameters<T>(NpgsqlCommand command, Context context, string jid, T value)
    {
        command.Parameters.Add(PostgresChatStore.Text(context.InstanceName));
        command.Parameters.Add(PostgresChatStore.Text(jid));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = value is bool ? NpgsqlTypes.NpgsqlDbType.Boolean : NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = context.At });
    }

    /// <summary>
    /// The newest message (Unix seconds) a deleteChat covers, from its message range (whatsmeow appstate
    /// and Baileys 7 chat-utils <c>getMessageRange</c> write <c>lastMessageTimestamp</c>, the last
    /// message's own timestamp, and <c>lastSystemMessageTimestamp</c>); null when it names none.
    /// </summary>
    private static long? DeletedThrough(DeleteChatAction? action)
    {
        if (action?.MessageRange is not { } range)
            return null;
        long? through = range.HasLastMessageTimestamp ? range.LastMessageTimestamp : null;
        if (range.HasLastSystemMessageTimestamp && (through is null || range.LastSystemMessageTimestamp > through))
            through = range.LastSystemMessageTimestamp;
        return through;
    }

    /// <summary>
    /// The phone deleted the chat up to <paramref name="through"/> (all of it when null): the stored
    /// messages it covered go, and the chat row goes with <c>chats.update</c> <c>deleted</c> only when no
    /// newer message remains. A deleteChat stays in the phone's snapshot, so every first sync or recovery
    /// replays it; without the range it would wipe messages that arrived after the deletion.
    /// </summary>
    private static async Task<List<InstanceEventDraft>> DeleteChatAsync(Context context, string jid, long? through, CancellationToken cancellationToken)
    {
        // message_updates rows go with their message (ON DELETE CASCADE).
        await using (var messages = new NpgsqlCommand(
            """
            DELETE FROM messages m USING chats c
            WHERE c.instance_name = $1 AND (c.remote_jid = $2 OR c.lid = $2)
              AND m.instance_name = $1 AND m.key_remote_jid = c.remote_jid
              AND ($3::bigint IS NULL OR m.message_timestamp <= $3)
            """, context.Connection, context.Transaction))
        {
            messages.Parameters.Add(PostgresChatStore.Text(context.InstanceName));
            messages.Parameters.Add(PostgresChatStore.Text(jid));
            messages.Parameters.Add(new NpgsqlParameter { Value = (object?)through ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            await messages.ExecuteNonQueryAsync(cancellationToken);
        }
        var events = new List<InstanceEventDraft>();
        await using var delete = new NpgsqlCommand(
            """
            DELETE FROM chats c
            WHERE c.instance_name = $1 AND (c.remote_jid = $2 OR c.lid = $2)
              AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.instance_name = $1 AND m.key_remote_jid = c.remote_jid)
            RETURNING c.remote_jid, c.lid
            """, context.Connection, context.Transaction);
        delete.Parameters.Add(PostgresChatStore.Text(context.InstanceName));
        delete.Parameters.Add(PostgresChatStore.Text(jid));
        await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (remoteJid, lid) = (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
            events.Add(ChatEventPayloads.ChatUpdated(remoteJid, lid, w => w.WriteBoolean("deleted", true), context.InstanceName, context.InstanceId, context.OwnerJid));
        }
        return events;
    }

    /// <summary>The address-book name of a contact (null when the phone removed it); new contacts are inserted.</summary>
    private static async Task<List<InstanceEventDraft>> UpdateContactAsync(Context context, string jid, string? lid, string? name, CancellationToken cancellationToken)
    {
        if (name is null)
        {
            // Removed from the address book: a contact we know loses the name; nobody new appears.
            await using var clear = new NpgsqlCommand(
                $"""
                UPDATE contacts SET name = NULL, updated_at = $3
                WHERE instance_name = $1 AND (remote_jid = $2 OR lid = $2) AND name IS NOT NULL
                RETURNING {PostgresChatStore.ContactColumns}
                """, context.Connection, context.Transaction);
            clear.Parameters.Add(PostgresChatStore.Text(context.InstanceName));
            clear.Parameters.Add(PostgresChatStore.Text(jid));
            clear.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = context.At });
            var cleared = new List<InstanceEventDraft>();
            await using var rows = await clear.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
                cleared.Add(ChatEventPayloads.ContactChanged(PostgresChatStore.ReadContact(rows), false, context.InstanceName, context.InstanceId, context.OwnerJid));
            return cleared;
        }
        await using var upsert = new NpgsqlCommand(
            $"""
            INSERT INTO contacts AS c (instance_name, remote_jid, lid, name, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $5)
            ON CONFLICT (instance_name, remote_jid) DO UPDATE SET
                name = excluded.name, lid = COALESCE(c.lid, excluded.lid), updated_at = excluded.updated_at
            WHERE c.name IS DISTINCT FROM excluded.name OR (c.lid IS NULL AND excluded.lid IS NOT NULL)
            RETURNING {PostgresChatStore.ContactColumns}, xmax = 0
            """, context.Connection, context.Transaction);
        upsert.Parameters.Add(PostgresChatStore.Text(context.InstanceName));
        upsert.Parameters.Add(PostgresChatStore.Text(jid));
        upsert.Parameters.Add(PostgresChatStore.Text(lid));
        upsert.Parameters.Add(PostgresChatStore.Text(name));
        upsert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = context.At });
        await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return [];
        var contact = PostgresChatStore.ReadContact(reader);
        return [ChatEventPayloads.ContactChanged(contact, reader.GetBoolean(9), context.InstanceName, context.InstanceId, context.OwnerJid)];
    }

    private static void WriteNullableNumber(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
            writer.WriteNumber(name, number);
        else
            writer.WriteNull(name);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>What one snapshot or patch did: its mutations, those that changed a chat or contact, and the events appended.</summary>
public sealed record AppStateApplyOutcome(int Mutations, int Applied, int Events);
