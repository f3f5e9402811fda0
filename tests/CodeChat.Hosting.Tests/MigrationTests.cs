using CodeChat.Silo.Database;
using CodeChat.Testing;
using Npgsql;

namespace CodeChat.Hosting.Tests;

public sealed class MigrationTests(PostgresServerFixture server)
{
    // Every key the Orleans 10.4 ADO.NET providers load at start-up (orleans-notes.md, "ADO.NET (PostgreSQL)").
    private static readonly string[] RequiredQueryKeys =
    [
        "UpdateIAmAlivetimeKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
        "CleanupDefunctSiloEntriesKey",
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    [Fact]
    public void Catalog_is_ordered_and_starts_with_the_orleans_schema()
    {
        var versions = MigrationCatalog.Embedded.Select(m => m.Version).ToArray();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(1, versions[0]);
        Assert.Contains(MigrationCatalog.Embedded, m => m.Name == "orleans_membership_queries");
    }

    [Fact]
    public void No_sql_migration_takes_a_version_a_csharp_migration_records()
    {
        var sqlVersions = MigrationCatalog.Embedded.Select(m => m.Version).ToHashSet();
        Assert.Equal([24, 25, 33], MigrationCatalog.CodeVersions.Order());
        Assert.DoesNotContain(MigrationCatalog.CodeVersions, sqlVersions.Contains);
    }

    [Fact]
    public async Task Applies_everything_once_and_nothing_on_the_second_run()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await server.CreateDatabaseAsync(ct);
        var migrator = new DatabaseMigrator();

        var first = await migrator.MigrateAsync(connectionString, ct);
        var second = await migrator.MigrateAsync(connectionString, ct);

        Assert.Equal(MigrationCatalog.Embedded.Count, first.Count);
        Assert.Empty(second);
        Assert.Equal(MigrationCatalog.Embedded.Count, await CountAsync(connectionString, "SELECT count(*) FROM schema_version", ct));
    }

    [Fact]
    public async Task Two_runners_racing_apply_each_migration_exactly_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await server.CreateDatabaseAsync(ct);

        var results = await Task.WhenAll(
            Task.Run(() => new DatabaseMigrator().MigrateAsync(connectionString, ct), ct),
            Task.Run(() => new DatabaseMigrator().MigrateAsync(connectionString, ct), ct));

        Assert.Equal(MigrationCatalog.Embedded.Count, results.Sum(r => r.Count));
        Assert.Contains(results, r => r.Count == 0);
        Assert.Equal(MigrationCatalog.Embedded.Count, await CountAsync(connectionString, "SELECT count(*) FROM schema_version", ct));
    }

    [Fact]
    public async Task A_failing_migration_leaves_no_trace_and_stops_the_run()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await server.CreateDatabaseAsync(ct);
        var migrations = new[]
        {
            new Migration(1, "good", "CREATE TABLE good_table (id int)"),
            new Migration(2, "bad", "CREATE TABLE half_done (id int); SELECT no_such_column FROM good_table"),
            new Migration(3, "after", "CREATE TABLE after_table (id int)"),
        };

        await Assert.ThrowsAsync<InvalidOperationException>(() => new DatabaseMigrator(migrations).MigrateAsync(connectionString, ct));

        Assert.Equal(1, await CountAsync(connectionString, "SELECT count(*) FROM schema_version", ct));
        Assert.Equal(0, await CountAsync(connectionString, "SELECT count(*) FROM pg_tables WHERE tablename IN ('half_done', 'after_table')", ct));
    }

    [Fact]
    public async Task Every_query_key_the_orleans_providers_load_is_present()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await server.CreateDatabaseAsync(ct);
        await new DatabaseMigrator().MigrateAsync(connectionString, ct);

        var present = new HashSet<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            present.Add(reader.GetString(0));
        }

        Assert.Empty(RequiredQueryKeys.Except(present));
    }

    private static async Task<long> CountAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
