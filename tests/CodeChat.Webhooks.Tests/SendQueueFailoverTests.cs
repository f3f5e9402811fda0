using System.Net.Http.Json;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Storage;
using CodeChat.Testing;
using CodeChat.WaEmulator;
using CodeChat.WaEmulator.Model;
using Npgsql;

namespace CodeChat.Webhooks.Tests;

/// <summary>
/// Two silo processes in one cluster with an instance open on the emulator; the silo running a
/// mailing is killed (SIGKILL) half-way. The queue's reminder brings it back on the other silo, which
/// goes on from the stored cursor: every recipient ends up with exactly one message (one message id,
/// the one the queue chose for it), none is skipped, and COMPLETED is the last event.
/// </summary>
public sealed class SendQueueFailoverTests(PostgresServerFixture postgres)
{
    private const string GlobalKey = "queue-failover-global-key-0123456789";
    private const int Recipients = 30;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Killing_the_silo_that_runs_a_mailing_finishes_it_on_the_other_silo_without_duplicate_or_gap()
    {
        var connectionString = await postgres.CreateDatabaseAsync(Ct);
        await using var emulator = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: Ct);
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:CodeChat"] = connectionString,
            ["Security:MasterKey"] = TestSecrets.MasterKeyText,
            ["Authentication:GlobalApiKey"] = GlobalKey,
            ["Orleans:ClusterId"] = "queue-failover-" + Guid.NewGuid().ToString("N")[..8],
            ["Orleans:SiloPort"] = "0",
            ["Orleans:GatewayPort"] = "0",
            ["Orleans:AdvertisedIPAddress"] = "127.0.0.1",
            ["WhatsApp:Url"] = emulator.WebSocketUrl.ToString(),
            ["WhatsApp:TrustedRootKey"] = Convert.ToHexStringLower(emulator.Emulator.Certificates.RootPublicKey.Span),
            ["WhatsApp:VersionSource"] = "off",
            ["SendQueues:InstanceMessagesPerMinute"] = "600000",
            ["SendQueues:DisconnectedRetryInterval"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:CodeChat.Grains.Queues.SendQueueGrain"] = "Information",
            ["Logging:Console:FormatterName"] = "simple",
        };
        await using var first = SiloProcess.Start(settings);
        await first.WaitReadyAsync(TimeSpan.FromSeconds(120));
        await using var second = SiloProcess.Start(settings);
        await second.WaitReadyAsync(TimeSpan.FromSeconds(120));
        SiloProcess[] silos = [first, second];

        using var api = new HttpClient { BaseAddress = first.BaseAddress };
        api.DefaultRequestHeaders.Add("apikey", GlobalKey);
        var name = "qf-" + Guid.NewGuid().ToString("N")[..8];
        var device = await OpenInstanceAsync(api, emulator, name);

        var phones = Enumerable.Range(0, Recipients).Select(_ => emulator.Emulator.CreateAccount()).ToList();
        using var started = await api.PostAsJsonAsync($"/message/sendText/{name}",
            new { numbers = phones.Select(p => p.Phone), textMessage = new { text = "failover mailing" }, options = new { delay = 400 } }, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Created, started.StatusCode);
        var model = await started.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var queue = model.GetProperty("queue").GetProperty("queueId").GetString()!;
        var ids = model.GetProperty("data").GetProperty("messagesIds")
            .EnumerateArray().Select(id => id.GetString()!).ToList();

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var outbox = new PostgresInstanceEventStore(dataSource, TimeProvider.System);
        await WaitForEventsAsync(outbox, name, queue, events => events.Count(e => e.Event == InstanceEventNames.SendMessageProcessing) >= 5,
            TimeSpan.FromSeconds(120), "the mailing to get going");
        var running = silos.Single(silo => silo.Output.Any(line => line.Contains($"send queue {queue} started", StringComparison.Ordinal)));
        running.Kill();
        var survivor = silos.Single(silo => silo != running);
        var processedAtKill = (await EventsOfAsync(outbox, name, queue)).Count(e => e.Event == InstanceEventNames.SendMessageProcessing);
        Assert.True(processedAtKill < Recipients, "the kill came after the mailing had finished");

        var events = await WaitForEventsAsync(outbox, name, queue, events => events.Any(e => e.Event == InstanceEventNames.SendMessageCompleted),
            TimeSpan.FromMinutes(6), "the mailing to complete on the surviving silo");

        Assert.Contains(survivor.Output, line => line.Contains($"send queue {queue} resumes at recipient", StringComparison.Ordinal));
        Assert.Equal(InstanceEventNames.SendMessageStart, events[0].Event);
        Assert.Equal(InstanceEventNames.SendMessageCompleted, events[^1].Event);
        // One outcome per recipient, in mailing order, with monotonic percentages: no duplicate, no gap.
        var processing = events.Where(e => e.Event == InstanceEventNames.SendMessageProcessing).Select(e => e.Data.GetProperty("queue")).ToList();
        Assert.Equal(ids, processing.Select(p => p.GetProperty("messageId").GetString()));
        var progress = processing.Select(p => p.GetProperty("progress").GetInt32()).ToList();
        Assert.Equal(progress.Order(), progress);
        Assert.Equal(100, progress[^1]);
        // Each phone got the queue's message for it and no other: a send cut by the kill may have gone
        // out again with the same id (WhatsApp keeps one message per id), never with a new one.
        for (var i = 0; i < phones.Count; i++)
        {
            var copies = phones[i].PrimaryPhone.Copies.Where(c => c.FromDevice == device.PnJid).ToList();
            Assert.Equal([ids[i]], copies.Select(c => c.Id).Distinct());
            Assert.Contains(copies, c => c.Rejection is null);
        }
    }

    private static async Task<LinkedDevice> OpenInstanceAsync(HttpClient api, WaEmulatorServer emulator, string name)
    {
        using (var created = await api.PostAsJsonAsync("/instance/create", new { instanceName = name }, Ct))
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        string? code = null;
        while (code is null && DateTime.UtcNow < deadline)
        {
            var connect = await api.GetFromJsonAsync<JsonElement>($"/instance/connect/{name}", Ct);
            if (connect.TryGetProperty("code", out var qr) && qr.ValueKind == JsonValueKind.String)
                code = qr.GetString();
            else
                await Task.Delay(200, Ct);
        }
        Assert.NotNull(code);
        var device = await emulator.Emulator.ScanQrAsync(code, emulator.Emulator.CreateAccount(pushName: "Gateway"), Ct);
        while (DateTime.UtcNow < deadline)
        {
            var state = await api.GetFromJsonAsync<JsonElement>($"/instance/connectionState/{name}", Ct);
            if (state.GetProperty("state").GetString() == "open")
                return device;
            await Task.Delay(200, Ct);
        }
        Assert.Fail($"Instance {name} did not open.");
        return null!;
    }

    private static async Task<List<(string Event, JsonElement Data)>> EventsOfAsync(PostgresInstanceEventStore outbox, string name, string queue)
    {
        var events = new List<(string, JsonElement)>();
        foreach (var record in await outbox.ReadAsync(name, 0, 10_000, Ct))
        {
            if (!record.Event.StartsWith("send.message", StringComparison.Ordinal))
                continue;
            using var data = JsonDocument.Parse(record.DataJson);
            if (data.RootElement.TryGetProperty("queue", out var q) && q.GetProperty("queueId").GetString() == queue)
                events.Add((record.Event, data.RootElement.Clone()));
        }
        return events;
    }

    private static async Task<List<(string Event, JsonElement Data)>> WaitForEventsAsync(
        PostgresInstanceEventStore outbox, string name, string queue, Func<List<(string Event, JsonElement Data)>, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var events = await EventsOfAsync(outbox, name, queue);
            if (done(events))
                return events;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Waited {timeout} for {what}; the queue has {string.Join(", ", events.Select(e => e.Event))}");
            await Task.Delay(250, Ct);
        }
    }
}
