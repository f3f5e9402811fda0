using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CodeChat.Grains.Events;
using CodeChat.Grains.Storage;
using CodeChat.Testing;
using Npgsql;

namespace CodeChat.Webhooks.Tests;

/// <summary>
/// Two silo processes in one cluster; the one delivering an instance's webhooks is killed in the
/// middle of its deliveries. The other silo takes the dispatcher over and every event arrives.
/// </summary>
public sealed class WebhookFailoverTests(PostgresServerFixture postgres)
{
    private const string GlobalKey = "failover-tests-global-key-0123456789";
    private const int InstanceCount = 4;
    private const int EventsPerInstance = 200;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Killing_the_silo_that_delivers_mid_stream_loses_nothing_and_keeps_each_instance_in_order()
    {
        var connectionString = await postgres.CreateDatabaseAsync(Ct);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.AnswerDelay = TimeSpan.FromMilliseconds(50);
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:CodeChat"] = connectionString,
            ["Security:MasterKey"] = TestSecrets.MasterKeyText,
            ["Authentication:GlobalApiKey"] = GlobalKey,
            ["Orleans:ClusterId"] = "failover-" + Guid.NewGuid().ToString("N")[..8],
            ["Orleans:SiloPort"] = "0",
            ["Orleans:GatewayPort"] = "0",
            ["Orleans:AdvertisedIPAddress"] = "127.0.0.1",
            ["Webhooks:AllowedNetworks:0"] = "127.0.0.0/8",
            ["Webhooks:SweepInterval"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:CodeChat.Grains.Webhooks.WebhookDeliveryLine"] = "Debug",
            ["Logging:Console:FormatterName"] = "simple",
        };

        await using var first = SiloProcess.Start(settings);
        await first.WaitReadyAsync(TimeSpan.FromSeconds(120));
        await using var second = SiloProcess.Start(settings);
        await second.WaitReadyAsync(TimeSpan.FromSeconds(120));
        SiloProcess[] silos = [first, second];

        using var api = new HttpClient { BaseAddress = first.BaseAddress };
        api.DefaultRequestHeaders.Add("apikey", GlobalKey);
        var instances = new List<(string Name, long Id)>();
        for (var i = 0; i < InstanceCount; i++)
        {
            var name = $"fo{i}-{Guid.NewGuid():N}"[..16];
            using var created = await api.PostAsJsonAsync("/instance/create", new { instanceName = name }, Ct);
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
            using var set = await api.PutAsync($"/webhook/set/{name}",
                new StringContent($$"""{"url":"{{receiver.Url(name)}}","enabled":true}""", Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(System.Net.HttpStatusCode.Created, set.StatusCode);
            instances.Add((name, id));
        }

        // Recorded straight into the outbox (as a grain would, minus the wake-up): the silos' sweeps find
        // them. Appending goes on while the silo is killed and the other takes over.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var outbox = new PostgresInstanceEventStore(dataSource, TimeProvider.System);
        var appending = Task.Run(async () =>
        {
            for (var n = 1; n <= EventsPerInstance; n++)
            {
                foreach (var (name, id) in instances)
                    await outbox.AppendAsync(new InstanceEventDraft(name, id, null, "connection.update", $$"""{"instance":"{{name}}","state":"open","statusReason":{{n}}}"""), Ct);
            }
        }, Ct);

        // Kill the silo that is delivering the first instance, a few events into its stream.
        var watched = instances[0].Name;
        await receiver.WaitUntilAsync(all => all.Count(r => r.Instance == watched && r.Accepted) >= 5, TimeSpan.FromSeconds(120), "deliveries to start");
        var deliveringSilo = await WhoDeliversAsync(silos, watched);
        var deliveredBeforeKill = receiver.AcceptedFor(watched).Count();
        deliveringSilo.Kill();
        var survivor = silos.Single(silo => silo != deliveringSilo);
        Assert.True(deliveredBeforeKill < EventsPerInstance, "the kill came after the stream had finished");

        await appending;
        await receiver.WaitUntilAsync(
            all => instances.All(instance => all.Where(r => r.Instance == instance.Name && r.Accepted).Select(r => r.Sequence).Distinct().Count() == EventsPerInstance),
            TimeSpan.FromSeconds(240), "every event after the failover");

        foreach (var (name, _) in instances)
        {
            // At least once: the POST in flight at the kill may come again; first arrivals are in order.
            var firstArrivals = receiver.AcceptedFor(name).Select(r => r.Sequence).Distinct().ToList();
            Assert.Equal(Enumerable.Range(1, EventsPerInstance).Select(n => (long)n), firstArrivals);
        }

        Assert.False(survivor.HasExited);
        Assert.Contains(survivor.Output, line => line.Contains($"Webhook {watched}/instance", StringComparison.Ordinal));
    }

    /// <summary>The silo whose log shows it delivering to <paramref name="instanceName"/>.</summary>
    private static async Task<SiloProcess> WhoDeliversAsync(SiloProcess[] silos, string instanceName)
    {
        var marker = $"Webhook {instanceName}/instance";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var delivering = silos.Where(silo => silo.Output.Any(line => line.Contains(marker, StringComparison.Ordinal))).ToList();
            if (delivering.Count == 1)
                return delivering[0];
            await Task.Delay(50, Ct);
        }

        Assert.Fail("Could not tell which silo delivers the instance's webhooks.");
        return null!;
    }
}
