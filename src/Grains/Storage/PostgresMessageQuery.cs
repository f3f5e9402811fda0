using System.Text;
using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Messages;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// findMessages on PostgreSQL: the filters of CodeChat 1.3 (codechat-api.md §5), newest first, one
/// page at a time. The page is read through the (instance, chat, time, id) or (instance, time, id)
/// index of 0140_chats_contacts.sql, so a chat with 100,000 messages pages without sorting them all.
/// </summary>
public sealed class PostgresMessageQuery(NpgsqlDataSource dataSource)
{
    public async Task<MessagePage> FindAsync(string instanceName, MessageQuery query, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for the count and the page, so `total` describes the records returned.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);

        long total;
        await using (var count = Build(connection, instanceName, query, countOnly: true))
        {
            count.Transaction = transaction;
            total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        var records = new List<(StoredMessage Row, List<MessageStatusEntry> Updates)>();
        await using (var page = Build(connection, instanceName, query, countOnly: false))
        {
            page.Transaction = transaction;
            await using var reader = await page.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                records.Add((PostgresMessageStore.Read(reader), []));
        }

        if (records.Count > 0)
        {
            var byId = records.ToDictionary(r => r.Row.Id, r => r.Updates);
            await using var updates = new NpgsqlCommand(
                "SELECT message_id, status, date_time FROM message_updates WHERE message_id = ANY($1) AND revision IS NULL ORDER BY id",
                connection, transaction);
            updates.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. byId.Keys] });
            await using var reader = await updates.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                byId[reader.GetInt64(0)].Add(new MessageStatusEntry((MessageStatus)reader.GetInt16(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }
        await transaction.CommitAsync(cancellationToken);

        var pages = total == 0 ? 0 : (int)Math.Min(int.MaxValue, (total + query.PageSize - 1) / query.PageSize);
        return new MessagePage(total, pages, query.Page, [.. records.Select(r => ToView(r.Row, r.Updates))]);
    }

    /// <summary>
    /// The page (or count) statement for <paramref name="query"/>. Internal so a test can EXPLAIN exactly
    /// the statement the route runs.
    /// </summary>
    internal static NpgsqlCommand Build(NpgsqlConnection connection, string instanceName, MessageQuery query, bool countOnly)
    {
        var command = new NpgsqlCommand { Connection = connection };
        var where = new StringBuilder("instance_name = $1");
        command.Parameters.Add(Text(instanceName));
        void Filter(string condition, NpgsqlParameter parameter)
        {
            command.Parameters.Add(parameter);
            where.Append(" AND ").Append(condition.Replace("@", "$" + command.Parameters.Count, StringComparison.Ordinal));
        }
        if (query.Id is { } id)
            Filter("id = @", new NpgsqlParameter<long> { TypedValue = id });
        if (query.KeyId is { } keyId)
            Filter("key_id = @", Text(keyId));
        if (query.KeyRemoteJid is { } remoteJid)
            Filter("key_remote_jid = @", Text(remoteJid));
        if (query.KeyFromMe is { } fromMe)
            Filter("key_from_me = @", new NpgsqlParameter<bool> { TypedValue = fromMe });
        if (query.MessageType is { } messageType)
            Filter("message_type = @", Text(messageType));
        if (query.Device is { } device)
            Filter("device = @", Text(device));
        if (query.MessageStatus is { } status)
        {
            // As 1.3: a message matches when any of its updates had that status.
            Filter("EXISTS (SELECT 1 FROM message_updates u WHERE u.message_id = messages.id AND u.status = @ AND u.revision IS NULL)",
                new NpgsqlParameter<short> { TypedValue = (short)status });
        }

        if (countOnly)
        {
            command.CommandText = $"SELECT count(*) FROM messages WHERE {where}";
            return command;
        }
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.PageSize });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)(query.Page - 1) * query.PageSize });
        var count = command.Parameters.Count;
        command.CommandText =
            $"""
            SELECT {PostgresMessageStore.Columns} FROM messages
            WHERE {where}
            ORDER BY message_timestamp DESC, id DESC
            LIMIT ${count - 1} OFFSET ${count}
            """;
        return command;
    }

    private static NpgsqlParameter Text(string value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Text };

    private static MessageRecordView ToView(StoredMessage message, IReadOnlyList<MessageStatusEntry> updates) => new(
        message.Id, message.Key.Id, message.Key.FromMe, message.Key.RemoteJid, message.Participant, message.SenderPn, message.SenderLid,
        message.PushName, message.MessageType, message.ContentJson, message.MessageTimestamp, message.Device, message.Status, updates);
}
