using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CodeChat.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace CodeChat.Api.Tests;

/// <summary>
/// DELETE /instance/delete removes everything stored for the instance in one transaction: every
/// table keyed by the instance's name, the registry row, and the grain's Orleans state and reminders;
/// and a failure at any of those tables leaves all of them as they were.
/// </summary>
public sealed class InstanceDeletionTests(SiloApiFixture fixture) : IClassFixture<SiloApiFixture>, IAsyncDisposable
{
    // Only a counter, kept on purpose so a re-created name continues its event sequence (see PostgresInstancePurge).
    private const string KeptCounterTable = "instance_event_sequences";

    /// <summary>Every place an instance's rows live, and the column naming the instance there.</summary>
    private static readonly (string Table, string Column)[] InstanceRows =
    [
        ("instances", "name"),
        ("instance_events", "instance_name"),
        ("instance_sessions", "instance_name"),
        ("device_credentials", "instance_name"),
        ("device_prekey_counters", "instance_name"),
        ("device_prekeys", "instance_name"),
        ("device_identities", "instance_name"),
        ("device_lid_mappings", "instance_name"),
        ("device_privacy_tokens", "instance_name"),
        ("signal_sessions", "instance_name"),
        ("signal_sender_keys", "instance_name"),
        ("app_state_sync_keys", "instance_name"),
        ("app_state_collections", "instance_name"),
        ("webhook_endpoints", "instance_name"),
        ("webhook_lines", "instance_name"),
        ("webhook_replays", "instance_name"),
        ("webhook_attempts", "instance_name"),
        ("webhook_dead_letters", "instance_name"),
        ("messages", "instance_name"),
        ("message_updates", "instance_name"),
        ("chats", "instance_name"),
        ("contacts", "instance_name"),
        ("send_queues", "instance_name"),
        ("send_queue_recipients", "instance_name"),
        ("orleansstorage", "grainidextensionstring"),
        ("orleansreminderstable", "grainid"),
    ];

    private readonly NpgsqlDataSource _database = NpgsqlDataSource.Create(fixture.ConnectionString);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> FailingTables() => [.. InstanceRows.Select(row => row.Table)];

    [Fact]
    public async Task Delete_leaves_no_row_of_the_instance_in_any_table()
    {
        var name = await CreateSeededInstanceAsync();
        // The seed covers every table that has an instance_name column today: a new one must be added here.
        var keyedTables = await TablesWithInstanceNameColumnAsync();
        Assert.Empty(keyedTables.Except(InstanceRows.Select(row => row.Table)).Except([KeptCounterTable]));
        foreach (var (table, count) in await CountRowsAsync(name))
            Assert.True(count > 0, $"the seed left {table} empty");

        var deleted = await Client().DeleteAsync($"/instance/delete/{name}", Ct);

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.All(await CountRowsAsync(name), row => Assert.True(row.Count == 0, $"{row.Table} still holds {row.Count} row(s)"));
        // A dump of the whole database names the instance only in the sequence counter.
        var mentions = (await DatabaseDump.ReadAllAsync(_database, Ct))
            .Split('\n').Where(line => line.Contains(name, StringComparison.Ordinal)).ToArray();
        Assert.All(mentions, line => Assert.StartsWith(KeptCounterTable + ": ", line, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await Client().GetAsync($"/instance/fetchInstance/{name}", Ct)).StatusCode);

        // The name is free again, and the new instance starts clean.
        var recreated = await Client().PostAsJsonAsync("/instance/create", new { instanceName = name }, Ct);
        Assert.Equal(HttpStatusCode.Created, recreated.StatusCode);
        var counts = await CountRowsAsync(name);
        Assert.Equal(1, counts.Single(row => row.Table == "instances").Count);
        Assert.Equal(0, counts.Single(row => row.Table == "device_prekeys").Count);
    }

    [Theory]
    [MemberData(nameof(FailingTables))]
    public async Task A_failure_at_any_table_leaves_every_row_of_the_instance_in_place(string failingTable)
    {
        var name = await CreateSeededInstanceAsync();
        var before = await CountRowsAsync(name);
        await RefuseDeletesAsync(failingTable);
        try
        {
            var failed = await Client().DeleteAsync($"/instance/delete/{name}", Ct);

            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            Assert.Equal(before, await CountRowsAsync(name));
            var fetched = await Client().GetAsync($"/instance/fetchInstance/{name}", Ct);
            Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        }
        finally
        {
            await ExecuteAsync($"DROP TRIGGER IF EXISTS test_refuse_delete ON {failingTable}");
        }

        // Nothing half-done blocks the retry.
        Assert.Equal(HttpStatusCode.OK, (await Client().DeleteAsync($"/instance/delete/{name}", Ct)).StatusCode);
        Assert.All(await CountRowsAsync(name), row => Assert.Equal(0, row.Count));
    }

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    private HttpClient Client()
    {
        var client = fixture.Factory.CreateClient();
        client.DefaultRequestHeaders.Add("apikey", SiloApiFixture.GlobalApiKey);
        return client;
    }

    /// <summary>Creates an instance through the route, then writes a row into every table routes do not reach yet.</summary>
    private async Task<string> CreateSeededInstanceAsync()
    {
        var name = "del-" + Guid.NewGuid().ToString("N")[..10];
        var created = await Client().PostAsJsonAsync("/instance/create", new { instanceName = name }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetInt64();
        var serviceId = fixture.Factory.Services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
        var eventId = Guid.NewGuid();

        await ExecuteEachAsync(
            """
            INSERT INTO instance_event_sequences (instance_name, last_sequence) VALUES ($1, 1);
            INSERT INTO instance_events (id, instance_name, sequence, instance_id, event, data) VALUES ($3, $1, 1, $2, 'connection.update', '{}');
            INSERT INTO instance_sessions (instance_name, desired_state, actual_state, status_reason) VALUES ($1, 'close', 'close', 200)
                ON CONFLICT (instance_name) DO NOTHING;
            INSERT INTO device_credentials (instance_name, credentials_protected) VALUES ($1, '\x01');
            INSERT INTO device_prekey_counters (instance_name, last_issued_id) VALUES ($1, 1);
            INSERT INTO device_prekeys (instance_name, id, public_key, private_key_protected) VALUES ($1, 1, '\x02', '\x03');
            INSERT INTO device_identities (instance_name, device_jid, identity_key) VALUES ($1, '5511999990000@s.whatsapp.net', '\x04');
            INSERT INTO device_lid_mappings (instance_name, lid, phone_number) VALUES ($1, '1234@lid', '5511999990000@s.whatsapp.net');
            INSERT INTO device_privacy_tokens (instance_name, contact_jid, token_protected, token_timestamp) VALUES ($1, '1234@lid', '\x07', now());
            INSERT INTO signal_sessions (instance_name, address_name, device_id, record) VALUES ($1, '5511999990000', 0, '\x05');
            INSERT INTO signal_sender_keys (instance_name, group_jid, address_name, device_id, record) VALUES ($1, '1203@g.us', '5511999990000', 0, '\x06');
            INSERT INTO app_state_sync_keys (instance_name, key_id, key_data_protected, key_timestamp) VALUES ($1, '\x0001', '\x07', 1700000000000);
            INSERT INTO app_state_collections (instance_name, name, version, lt_hash, value_macs) VALUES ($1, 'regular_low', 3, '\x08', '\x');
            INSERT INTO messages (instance_name, key_remote_jid, key_id, key_from_me, message_type, content, message_timestamp, status)
                VALUES ($1, '5511999990000@s.whatsapp.net', 'ABC', false, 'conversation', '{}', 1700000000, 3);
            INSERT INTO message_updates (instance_name, message_id, status, date_time)
                SELECT $1, id, 3, now() FROM messages WHERE instance_name = $1;
            INSERT INTO chats (instance_name, remote_jid, lid, kind, last_message_timestamp) VALUES ($1, '5511999990000@s.whatsapp.net', '1234@lid', 'user', 1700000000);
            INSERT INTO contacts (instance_name, remote_jid, lid, push_name) VALUES ($1, '5511999990000@s.whatsapp.net', '1234@lid', 'Ana');
            INSERT INTO send_queues (queue_id, instance_name, instance_id, status, message, message_type, content, options, recipient_count, created_at, updated_at)
                VALUES ($3, $1, $2, 1, '\x0a00', 'conversation', '{}', '{}', 1, now(), now());
            INSERT INTO send_queue_recipients (queue_id, instance_name, position, number, jid, message_id)
                VALUES ($3, $1, 0, '5511999990000', '5511999990000@s.whatsapp.net', '3EB0AAAA');
            INSERT INTO webhook_endpoints (instance_name, instance_id, url, enabled, secret_protected) VALUES ($1, $2, 'https://example.com/hook', true, 'protected');
            INSERT INTO webhook_lines (instance_name, endpoint) VALUES ($1, 'instance');
            INSERT INTO webhook_replays (instance_name, endpoint, event_id) VALUES ($1, 'instance', $3);
            INSERT INTO webhook_attempts (instance_name, endpoint, event_id, sequence, event, attempt, outcome, latency_ms, attempted_at, replay)
                VALUES ($1, 'instance', $3, 1, 'connection.update', 1, 'failed', 1.5, now(), false);
            INSERT INTO webhook_dead_letters (instance_name, endpoint, event_id, sequence, event, attempts, dead_at)
                VALUES ($1, 'instance', $3, 1, 'connection.update', 8, now());
            -- A reminder far in the future, so that it never fires during the test.
            INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
                VALUES ($4, 'instance/' || $1, 'test-leftover', now() + interval '1 day', 60000, 0, 0);
            -- A send queue's watchdog (grain key "<instance>/<queue id>"): the dump below finds it if it stays.
            INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
                VALUES ($4, 'sendqueue/' || $1 || '/' || $3::text, 'send-queue-watchdog', now() + interval '1 day', 60000, 0, 0);
            """,
            name, id, eventId, serviceId);
        return name;
    }

    private async Task<List<(string Table, long Count)>> CountRowsAsync(string name)
    {
        var counts = new List<(string Table, long Count)>();
        foreach (var (table, column) in InstanceRows)
        {
            // The reminders table names the grain ("instance/<name>"), the others the instance itself.
            var key = table == "orleansreminderstable" ? "instance/" + name : name;
            await using var command = _database.CreateCommand($"SELECT count(*) FROM {table} WHERE {column} = $1");
            command.Parameters.AddWithValue(key);
            counts.Add((table, (long)(await command.ExecuteScalarAsync(Ct))!));
        }
        return counts;
    }

    private async Task<string[]> TablesWithInstanceNameColumnAsync()
    {
        await using var command = _database.CreateCommand(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'instance_name' ORDER BY 1");
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
            tables.Add(reader.GetString(0));
        return [.. tables];
    }

    /// <summary>A trigger that makes any delete from the table fail, as a lost connection or a full disk would half-way.</summary>
    private Task RefuseDeletesAsync(string table) => ExecuteAsync(
        $"""
        CREATE OR REPLACE FUNCTION test_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'test: deletes from % are refused', TG_TABLE_NAME;
        END;
        $$;
        CREATE TRIGGER test_refuse_delete BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION test_refuse_delete();
        """);

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _database.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>Runs each statement of <paramref name="sql"/> with the same positional parameters, in one batch.</summary>
    private async Task ExecuteEachAsync(string sql, params object[] parameters)
    {
        await using var connection = await _database.OpenConnectionAsync(Ct);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var statement in sql.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var command = new NpgsqlBatchCommand(statement);
            foreach (var parameter in parameters)
                command.Parameters.AddWithValue(parameter);
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(Ct);
    }
}
