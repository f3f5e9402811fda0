using System.Text.Json;
using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Storage;
using CodeChat.Testing;
using Npgsql;

namespace CodeChat.Session.Tests;

/// <summary>
/// findMessages on a large store: 100,000 messages of one instance in 20 chats (and another
/// instance beside it). Paging one chat must read the (instance, chat, time, id) index in order
/// and stop after the page, never sort the chat's messages: checked on PostgreSQL's plan (EXPLAIN),
/// not on a timing.
/// </summary>
public sealed class PostgresChatQueryTests(MigratedPostgresDatabaseFixture database) : IClassFixture<MigratedPostgresDatabaseFixture>
{
    private const int Messages = 100_000;
    private const int Chats = 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Paging_one_chat_of_100000_messages_reads_the_chat_index_without_sorting_and_returns_the_right_page()
    {
        var instance = "history-" + Guid.NewGuid().ToString("N")[..8];
        await SeedAsync(instance, Messages);
        await SeedAsync("neighbour-" + Guid.NewGuid().ToString("N")[..8], Messages / 10);
        await using (var analyze = database.DataSource.CreateCommand("VACUUM ANALYZE messages"))
            await analyze.ExecuteNonQueryAsync(Ct);

        var chat = ChatJid(7);
        var query = new MessageQuery(KeyRemoteJid: chat, PageSize: 50, Page: 3);
        var plan = await ExplainAsync(instance, query, countOnly: false);
        var nodes = Nodes(plan).ToList();
        Assert.Contains(nodes, n => n.GetProperty("Node Type").GetString() is "Index Scan" or "Index Only Scan"
            && n.GetProperty("Index Name").GetString() == "messages_instance_chat_time_id_idx");
        Assert.DoesNotContain(nodes, n => n.GetProperty("Node Type").GetString() is "Sort" or "Incremental Sort" or "Seq Scan");
        // The count beside the page does not read the table from end to end either.
        Assert.DoesNotContain(Nodes(await ExplainAsync(instance, query, countOnly: true)), n => n.GetProperty("Node Type").GetString() == "Seq Scan");

        // The page itself: the chat's 101st to 150th newest messages.
        var page = await new PostgresMessageQuery(database.DataSource).FindAsync(instance, query, Ct);
        Assert.Equal(Messages / Chats, page.Total);
        Assert.Equal(Messages / Chats / 50, page.Pages);
        Assert.Equal(50, page.Records.Count);
        Assert.All(page.Records, r => Assert.Equal(chat, r.KeyRemoteJid));
        var expectedNewest = Messages - 1 - (100 * Chats) - (Chats - 1 - 7);
        Assert.Equal($"M{expectedNewest}", page.Records[0].KeyId);
        Assert.True(page.Records.Zip(page.Records.Skip(1)).All(p => p.First.MessageTimestamp > p.Second.MessageTimestamp));
        Assert.Equal([MessageStatus.DeliveryAck], page.Records[0].Updates.Select(u => u.Status));
    }

    /// <summary>
    /// Message n is in chat n mod 20 at time T0 + n, with a DELIVERY_ACK update: the newest message of
    /// chat c is the largest n with n mod 20 = c.
    /// </summary>
    private async Task SeedAsync(string instance, int count)
    {
        await using var command = database.DataSource.CreateCommand(
            """
            WITH inserted AS (
                INSERT INTO messages (instance_name, key_remote_jid, key_id, key_from_me, push_name, message_type, content, message_timestamp, device, status)
                SELECT $1, '55119' || lpad((n % $3)::text, 8, '0') || '@s.whatsapp.net', 'M' || n, false, 'Ana', 'conversation',
                       json_build_object('conversation', 'message ' || n), 1764000000 + n, 'android', 3
                FROM generate_series(0, $2 - 1) AS n
                RETURNING id)
            INSERT INTO message_updates (instance_name, message_id, status, date_time) SELECT $1, id, 3, now() FROM inserted
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = instance });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Chats });
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static string ChatJid(int chat) => $"55119{chat:D8}@s.whatsapp.net";

    private async Task<JsonElement> ExplainAsync(string instance, MessageQuery query, bool countOnly)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(Ct);
        await using var command = PostgresMessageQuery.Build(connection, instance, query, countOnly);
        command.CommandText = "EXPLAIN (FORMAT JSON) " + command.CommandText;
        var json = (string)(await command.ExecuteScalarAsync(Ct))!;
        using var document = JsonDocument.Parse(json);
        return document.RootElement[0].GetProperty("Plan").Clone();
    }

    private static IEnumerable<JsonElement> Nodes(JsonElement plan)
    {
        yield return plan;
        if (plan.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                foreach (var node in Nodes(child))
                    yield return node;
            }
        }
    }
}
