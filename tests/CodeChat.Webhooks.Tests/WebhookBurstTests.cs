using System.Diagnostics;
using CodeChat.Testing;

namespace CodeChat.Webhooks.Tests;

/// <summary>A burst across many instances: nothing lost, and each instance's sequence strictly increasing at the receiver.</summary>
public sealed class WebhookBurstTests(WebhookSiloFixture fixture) : IClassFixture<WebhookSiloFixture>
{
    private const int Instances = 20;
    private const int EventsPerInstance = 500;

    [Fact]
    public async Task Ten_thousand_events_across_twenty_instances_all_arrive_in_order_per_instance()
    {
        var silo = fixture.Silo;
        await using var receiver = await WebhookReceiver.StartAsync();
        var instances = new List<(string Name, long Id)>();
        for (var i = 0; i < Instances; i++)
        {
            var name = $"burst-{i:D2}-{Guid.NewGuid():N}"[..20];
            var (id, _) = await silo.CreateInstanceAsync(name);
            Assert.Equal(201, (await silo.SetWebhookAsync(name, $$"""{"url":"{{receiver.Url(name)}}","enabled":true}""")).Status);
            instances.Add((name, id));
        }

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(instances.Select(instance => Task.Run(async () =>
        {
            for (var n = 0; n < EventsPerInstance; n++)
            {
                await silo.AppendAsync(instance.Name, instance.Id, "new.message",
                    "{\"header\":{\"messageId\":\"M" + n + "\",\"fromMe\":false},\"body\":{\"messageType\":\"conversation\",\"message\":{\"conversation\":\"burst " + n + "\"}}}");
            }
        })));

        await receiver.WaitUntilAsync(all => all.Count(r => r.Accepted) >= Instances * EventsPerInstance, TimeSpan.FromSeconds(120), "every event");
        var elapsed = clock.Elapsed;
        var received = receiver.Received;
        Assert.Equal(Instances * EventsPerInstance, received.Count);
        Assert.Equal(received.Count, received.Select(r => r.Id).Distinct().Count());
        foreach (var (name, _) in instances)
        {
            var sequences = received.Where(r => r.Instance == name).Select(r => r.Sequence).ToList();
            Assert.Equal(Enumerable.Range(1, EventsPerInstance).Select(s => (long)s), sequences);
        }

        TestContext.Current.SendDiagnosticMessage($"{received.Count} events appended and delivered in {elapsed.TotalSeconds:F1} s");
    }
}
