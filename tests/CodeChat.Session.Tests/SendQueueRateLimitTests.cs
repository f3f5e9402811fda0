using CodeChat.Grains.Abstractions.Events;
using CodeChat.Testing;

namespace CodeChat.Session.Tests;

/// <summary>
/// The per-instance outbound rate limit (SendQueues:InstanceMessagesPerMinute) holds for all queues
/// of an instance together: two mailings at zero delay, started at once, are spaced as one.
/// </summary>
public sealed class SendQueueRateLimitTests(PostgresServerFixture postgres, EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private const int MessagesPerMinute = 100;
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1) / MessagesPerMinute;

    [Fact]
    public async Task Two_mailings_on_one_instance_share_its_rate_limit()
    {
        await using var instance = await SendingInstance.StartAsync(postgres, emulator.Server, new Dictionary<string, string?>
        {
            ["SendQueues:InstanceMessagesPerMinute"] = MessagesPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var first = Enumerable.Range(0, 8).Select(_ => emulator.Emulator.CreateAccount()).ToList();
        var second = Enumerable.Range(0, 8).Select(_ => emulator.Emulator.CreateAccount()).ToList();

        var starts = await Task.WhenAll(
            instance.PostAsync("/message/sendText", new { numbers = first.Select(a => a.Phone), textMessage = new { text = "first mailing" } }),
            instance.PostAsync("/message/sendText", new { numbers = second.Select(a => a.Phone), textMessage = new { text = "second mailing" } }));
        Assert.All(starts, start => Assert.Equal(201, start.Status));
        var queues = starts.Select(s => s.Body.GetProperty("queue").GetProperty("queueId").GetString()!).ToList();
        foreach (var queue in queues)
            await Mailings.WaitForAsync(instance, queue, InstanceEventNames.SendMessageCompleted);

        // The times the emulator received the message stanzas, not our clock.
        var firstSends = Mailings.SendsTo(instance, first);
        var secondSends = Mailings.SendsTo(instance, second);
        Assert.Equal(8, firstSends.Count);
        Assert.Equal(8, secondSends.Count);
        var all = firstSends.Concat(secondSends).OrderBy(s => s.At).ToList();
        // Both ran at once: each queue's sends began before the other's ended.
        Assert.True(firstSends[0].At < secondSends[^1].At && secondSends[0].At < firstSends[^1].At, "the two mailings did not overlap");
        // 16 sends through one pace take at least 15 intervals (9 s), less the spread of one send's own
        // latency; each queue paced alone would have needed about 7 intervals (4.2 s).
        var span = all[^1].At - all[0].At;
        Assert.True(span >= 15 * Interval - TimeSpan.FromSeconds(2), $"16 sends took {span.TotalSeconds:F2} s; one shared pace needs about {(15 * Interval).TotalSeconds:F1} s");
        Assert.All(first.Concat(second), account => Assert.Single(Mailings.CopiesFrom(account, instance)));
    }
}
