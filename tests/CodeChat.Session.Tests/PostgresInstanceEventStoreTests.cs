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
    public async Task Connection_update_payload_has_codechat_shape()
    {
        // codechat-api.md §7.2: connection.update data = {instance, state, statusReason}.
        var record = await NewStore().AppendAsync(InstanceEventPayloads.ConnectionUpdate("sales", 5, null, InstanceConnectionState.Close, 440), Ct);

        Assert.Equal("connection.update", record.Event);
        Assert.Equal("""{"instance":"sales","state":"close","statusReason":440}""", record.DataJson);
    }

    [Fact]
    public async Task Qrcode_payload_has_the_seed_shape_and_omits_a_missing_pairing_code()
    {
        // api-contract.md §3: qrcode.updated data = {name, qrcode{code, base64}, count, pairingCode?}.
        var store = NewStore();
        var withoutCode = await store.AppendAsync(InstanceEventPayloads.QrCodeUpdated("sales", 5, null,
            new QrCodeUpdatedData("sales", new QrCodeImage("2@ref,noise,identity,adv", "data:image/png;base64,AAAA"), 1, null)), Ct);
        var withCode = await store.AppendAsync(InstanceEventPayloads.QrCodeUpdated("sales", 5, null,
            new QrCodeUpdatedData("sales", new QrCodeImage(null, null), 0, "ABCD1234")), Ct);

        Assert.Equal("qrcode.updated", withoutCode.Event);
        Assert.Equal(
            """{"name":"sales","qrcode":{"code":"2@ref,noise,identity,adv","base64":"data:image/png;base64,AAAA"},"count":1}""",
            withoutCode.DataJson);
        using var parsed = JsonDocument.Parse(withCode.DataJson);
        Assert.Equal("ABCD1234", parsed.RootElement.GetProperty("pairingCode").GetString());
    }
}
