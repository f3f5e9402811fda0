using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Events;
using CodeChat.Grains.Storage;
using CodeChat.Testing;

namespace CodeChat.Session.Tests;

public sealed class PostgresInstanceEventStoreTests(MigratedPostgresDatabaseFixture database) : IClassFixture<MigratedPostgresDatabaseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PostgresInstanceEventStore NewStore() => new(database.DataSource, TimeProvider.System);

    private static string NewName() => "events-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Sequences_start_at_one_per_instance_and_ids_are_distinct()
    {
        var store = NewStore();
        var a = NewName();
        var b = NewName();

        var a1 = await store.AppendAsync(InstanceEventPayloads.ConnectionUpdate(a, 1, null, InstanceConnectionState.Connecting, 200), Ct);
        var b1 = await store.AppendAsync(InstanceEventPayloads.ConnectionUpdate(b, 2, null, InstanceConnectionState.Connecting, 200), Ct);
        var a2 = await store.AppendAsync(InstanceEventPayloads.ConnectionUpdate(a, 1, "15550001111@s.whatsapp.net", InstanceConnectionState.Open, 200), Ct);

        Assert.Equal([1L, 2L], [a1.Sequence, a2.Sequence]);
        Assert.Equal(1, b1.Sequence);
        Assert.Equal(3, new[] { a1.Id, a2.Id, b1.Id }.Distinct().Count());
        Assert.Equal("15550001111@s.whatsapp.net", a2.OwnerJid);

        var read = await store.ReadAsync(a, afterSequence: 0, limit: 10, Ct);
        Assert.Equal([a1.Id, a2.Id], read.Select(e => e.Id));
        Assert.Equal(a2, read[1]);
        Assert.Equal([a2.Id], (await store.ReadAsync(a, afterSequence: 1, limit: 10, Ct)).Select(e => e.Id));
    }

    [Fact]
    public async Task Concurrent_appends_get_gapless_unique_sequences()
    {
        var store = NewStore();
        var name = NewName();

        var records = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            store.AppendAsync(InstanceEventPayloads.ConnectionUpdate(name, 1, null, InstanceConnectionState.Connecting, i), Ct)));

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), records.Select(r => r.Sequence).Order());
        var read = await store.ReadAsync(name, 0, 100, Ct);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), read.Select(r => r.Sequence));
    }

    [Fact]
    public async Task A_burst_over_many_instances_is_group_committed_with_each_callers_order_kept()
    {
        // 10 instances × 50 events appended without waiting: most share a transaction with others
        // (group commit). Each instance's sequences are still 1..50 without a gap, and an instance's
        // events keep the order its caller appended them in (a grain appends one at a time).
        var store = NewStore();
        var names = Enumerable.Range(0, 10).Select(_ => NewName()).ToArray();

        var perInstance = await Task.WhenAll(names.Select(async name =>
        {
            var appended = new List<InstanceEventRecord>();
            var inFlight = new List<Task<InstanceEventRecord>>();
            for (var i = 0; i < 50; i++)
                inFlight.Add(store.AppendAsync(InstanceEventPayloads.ConnectionUpdate(name, 7, null, InstanceConnectionState.Connecting, i), Ct));
            foreach (var task in inFlight)
                appended.Add(await task);
            return (name, appended);
        }));

        foreach (var (name, appended) in perInstance)
        {
            var read = await store.ReadAsync(name, 0, 100, Ct);
            Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), read.Select(r => r.Sequence));
            Assert.Equal(appended.Select(r => r.Id).Order(), read.Select(r => r.Id).Order());
            Assert.Equal(appended, read.OrderBy(r => r.Sequence));
            Assert.All(read, record => Assert.Equal(7, record.InstanceId));
        }
        Assert.True(store.BatchStatistics.Largest > 1, "500 appends fired at once all went in batches of one");
    }

    [Fact]
    public async Task One_batch_gives_a_new_instance_and_a_known_one_their_next_sequences_in_queue_order()
    {
        // The batch write on its own (no fallback can hide a mistake): a known instance continues after
        // its last sequence, a new one starts at 1, interleaved drafts keep their order per instance.
        var store = NewStore();
        var known = NewName();
        var fresh = NewName();
        var other = NewName();
        await store.AppendAsync(InstanceEventPayloads.ConnectionUpdate(known, 1, null, InstanceConnectionState.Connecting, 200), Ct);
        await store.AppendAsync(InstanceEventPayloads.ConnectionUpdate(known, 1, null, InstanceConnectionState.Connecting, 201), Ct);
        InstanceEventDraft Draft(string name, int reason) =>
            InstanceEventPayloads.ConnectionUpdate(name, 3, "15550001111@s.whatsapp.net", InstanceConnectionState.Open, reason) with { Id = Guid.CreateVersion7() };
        var drafts = new[] { Draft(fresh, 1), Draft(known, 2), Draft(other, 3), Draft(fresh, 4), Draft(known, 5), Draft(fresh, 6) };

        var records = await store.InsertBatchAsync(drafts, Ct);

        Assert.Equal(drafts.Select(d => d.Id!.Value), records.Select(r => r.Id));
        Assert.Equal([1L, 3L, 1L, 2L, 4L, 3L], records.Select(r => r.Sequence));
        Assert.All(records, record => Assert.Equal("15550001111@s.whatsapp.net", record.OwnerJid));
        Assert.Equal(drafts.Select(d => d.DataJson), records.Select(r => r.DataJson));
        Assert.Equal([1L, 2L, 3L, 4L], (await store.ReadAsync(known, 0, 10, Ct)).Select(r => r.Sequence));
        Assert.Equal(records.Where(r => r.InstanceName == fresh), await store.ReadAsync(fresh, 0, 10, Ct));
        var next = await store.AppendAsync(InstanceEventPayloads.ConnectionUpdate(fresh, 3, null, InstanceConnectionState.Close, 200), Ct);
        Assert.Equal(4, next.Sequence);
    }

    [Fact]
    public async Task A_malformed_event_in_a_group_commit_fails_alone()
    {
        var store = NewStore();
        var name = NewName();
        var good = Enumerable.Range(0, 20)
            .Select(i => store.AppendAsync(InstanceEventPayloads.ConnectionUpdate(name, 1, null, InstanceConnectionState.Connecting, i), Ct))
            .ToList();
        var bad = store.AppendAsync(new InstanceEventDraft(name, 1, null, "connection.update", "{not json"), Ct);
        good.AddRange(Enumerable.Range(20, 20)
            .Select(i => store.AppendAsync(InstanceEventPayloads.ConnectionUpdate(name, 1, null, InstanceConnectionState.Connecting, i), Ct)));

        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => bad);
        var records = await Task.WhenAll(good);

        var read = await store.ReadAsync(name, 0, 100, Ct);
        Assert.Equal(40, read.Count);
        Assert.Equal(records.Select(r => r.Id).Order(), read.Select(r => r.Id).Order());
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), read.Select(r => r.Sequence));
    }

    [Fact]
    public async Task A_staged_event_is_appended_once_however_often_it_is_relayed()
    {
        var store = NewStore();
        var name = NewName();
        var staged = InstanceEventPayloads.ConnectionUpdate(name, 1, null, InstanceConnectionState.Connecting, 200) with { Id = Guid.CreateVersion7() };

        var first = await store.AppendAsync(staged, Ct);
        var again = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => store.AppendAsync(staged, Ct)));
        var next = await store.AppendAsync(InstanceEventPayloads.ConnectionUpdate(name, 1, null, InstanceConnectionState.Open, 200), Ct);

        Assert.Equal(staged.Id, first.Id);
        Assert.All(again, record => Assert.Equal(first, record));
        Assert.Equal(2, next.Sequence);
        Assert.Equal([first.Id, next.Id], (await store.ReadAsync(name, 0, 10, Ct)).Select(e => e.Id));
    }

    [Fact]
    public async Task Staged_events_relayed_concurrently_for_the_first_time_get_one_row_each()
    {
        var store = NewStore();
        var name = NewName();
        var staged = InstanceEventPayloads.ConnectionUpdate(name, 1, null, InstanceConnectionState.Connecting, 200) with { Id = Guid.CreateVersion7() };

        var records = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => store.AppendAsync(staged, Ct)));

        Assert.All(records, record => Assert.Equal(records[0], record));
        Assert.Single(await store.ReadAsync(name, 0, 10, Ct));
    }

    [Fact]
    public async Task Connection_update_payload_has_codechat_shape()
    {
        // codechat-api.md §7.2: connection.update data = {instance, state, statusReason}.
        var record = await NewStore().AppendAsync(InstanceEventPayloads.ConnectionUpdate("sales", 5, null, InstanceConnectionState.Close, 440), Ct);

        Assert.Equal("connection.update", record.Event);
        Assert.Equal("""{"instance":"sales","state":"close","statusReason":440}""", record.DataJson);
    }

    [Fact]
    public async Task Qrcode_payload_has_the_seed_shape_with_CodeChat_13_fields_and_omits_a_missing_pairing_code()
    {
        // api-contract.md §3: qrcode.updated data = {name, qrcode{code, base64}, count, pairingCode?};
        // §6: also 1.3's qrcode{instance, count, paringCode?} (1.3.7 whatsapp.service.ts connectionUpdate).
        var store = NewStore();
        var withoutCode = await store.AppendAsync(InstanceEventPayloads.QrCodeUpdated("sales", 5, null,
            QrCodeUpdatedData.Create("sales", 1, "2@ref,noise,identity,adv", "data:image/png;base64,AAAA", null)), Ct);
        var withCode = await store.AppendAsync(InstanceEventPayloads.QrCodeUpdated("sales", 5, null,
            QrCodeUpdatedData.Create("sales", 2, "2@ref2,noise,identity,adv", "data:image/png;base64,BBBB", "ABCD1234")), Ct);

        Assert.Equal("qrcode.updated", withoutCode.Event);
        Assert.Equal(
            """{"name":"sales","qrcode":{"instance":"sales","count":1,"code":"2@ref,noise,identity,adv","base64":"data:image/png;base64,AAAA"},"count":1}""",
            withoutCode.DataJson);
        Assert.Equal(
            """{"name":"sales","qrcode":{"instance":"sales","count":2,"code":"2@ref2,noise,identity,adv","base64":"data:image/png;base64,BBBB","paringCode":"ABCD1234"},"count":2,"pairingCode":"ABCD1234"}""",
            withCode.DataJson);
    }

    [Fact]
    public void The_secret_field_list_names_every_field_that_carries_the_qr_or_the_pairing_code()
    {
        // What the stored-event redaction must blank: find each listed path in a payload that has every field.
        using var data = JsonDocument.Parse(InstanceEventPayloads.QrCodeUpdated("sales", 5, null,
            QrCodeUpdatedData.Create("sales", 1, "QR-TEXT", "QR-PNG", "PAIRCODE")).DataJson);
        var found = QrCodeUpdatedData.SecretFieldPaths
            .Select(path => path.Split('.').Aggregate(data.RootElement, (element, name) => element.GetProperty(name)).GetString())
            .ToArray();

        Assert.Equal(["QR-TEXT", "QR-PNG", "PAIRCODE", "PAIRCODE"], found);
        // ...and no field outside the list carries one of them.
        var occurrences = System.Text.RegularExpressions.Regex.Matches(data.RootElement.GetRawText(), "QR-TEXT|QR-PNG|PAIRCODE").Count;
        Assert.Equal(QrCodeUpdatedData.SecretFieldPaths.Count, occurrences);
    }
}
