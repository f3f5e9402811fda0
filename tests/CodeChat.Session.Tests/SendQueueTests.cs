using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;

namespace CodeChat.Session.Tests;

/// <summary>
/// Mailings (<c>numbers</c> on a send route) through the real HTTP pipeline, the silo, PostgreSQL and
/// the emulator: every recipient gets exactly one message, the events come in order, and pause,
/// resume and delete act on a running queue.
/// </summary>
public sealed class SendQueueTests(SendQueueFixture fixture) : IClassFixture<SendQueueFixture>
{
    private SendingInstance Instance => fixture.Instance;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_mailing_to_100_recipients_messages_each_exactly_once_with_ordered_events_and_COMPLETED_last()
    {
        var phones = fixture.CreatePhones(99);
        var recipients = phones.Select(p => p.Phone).Prepend(fixture.BobAccount.Phone).ToList();
        var text = "mailing " + Guid.NewGuid().ToString("N")[..8];

        var (status, body) = await Instance.PostAsync("/message/sendText", new { numbers = recipients, textMessage = new { text } });

        Assert.Equal(201, status);
        var queueId = body.GetProperty("queue").GetProperty("queueId").GetString()!;
        Assert.Equal("RUNNING", body.GetProperty("queue").GetProperty("status").GetString());
        Assert.Equal(Instance.Account.PnJid, body.GetProperty("instanceConnectedId").GetString());
        Assert.Equal("extendedTextMessage", body.GetProperty("data").GetProperty("message").GetProperty("messageType").GetString());
        var jids = body.GetProperty("data").GetProperty("jids").EnumerateArray().Select(j => j.GetString()!).ToList();
        var ids = body.GetProperty("data").GetProperty("messagesIds").EnumerateArray().Select(j => j.GetString()!).ToList();
        Assert.Equal(recipients.Select(r => r + "@s.whatsapp.net"), jids);
        Assert.Equal(100, ids.Distinct().Count());
        // START is durable before the answer.
        Assert.Equal(InstanceEventNames.SendMessageStart, (await Mailings.EventsOfAsync(Instance, queueId))[0].Event);

        var events = await Mailings.WaitForAsync(Instance, queueId, InstanceEventNames.SendMessageCompleted);

        Assert.Equal(InstanceEventNames.SendMessageStart, events[0].Event);
        Assert.Equal(InstanceEventNames.SendMessageCompleted, events[^1].Event);
        var processing = events.Where(e => e.Event == InstanceEventNames.SendMessageProcessing).ToList();
        Assert.Equal(102, events.Count);
        Assert.Equal(Enumerable.Range(1, 100), processing.Select(e => e.Data.GetProperty("queue").GetProperty("progress").GetInt32()));
        Assert.Equal(ids, processing.Select(e => e.Data.GetProperty("queue").GetProperty("messageId").GetString()));
        Assert.All(processing, e => Assert.Equal("SERVER_ACK", e.Data.GetProperty("queue").GetProperty("status").GetString()));
        var completed = events[^1].Data.GetProperty("queue");
        Assert.Equal(100, completed.GetProperty("progress").GetInt32());
        Assert.Equal(ids, completed.GetProperty("data").GetProperty("messageIds").EnumerateArray().Select(j => j.GetString()));

        // Each phone inspected exactly one ciphertext from us, the one with its message id, and found it sound.
        for (var i = 0; i < phones.Count; i++)
        {
            var copy = Assert.Single(Mailings.CopiesFrom(phones[i], Instance));
            Assert.Equal(ids[i + 1], copy.Id);
            Assert.Null(copy.Rejection);
        }
        // Baileys decrypts its message: the text, from us, with the queue's id for Bob.
        var received = await fixture.Bob.WaitForMessageAsync(m => m["id"]?.GetValue<string>() == ids[0], SendingInstance.Patience, Ct);
        Assert.Equal(text, received["text"]!.GetValue<string>());
        Assert.Equal(Instance.Account.PnJid, received["from"]!.GetValue<string>());
        Assert.Single(Mailings.CopiesFrom(fixture.BobAccount, Instance), c => c.Id == ids[0]);

        // The seed: a completed queue is cleared.
        var (found, _) = await Instance.Host.GetAsync($"/message/queue/{Instance.Name}?queueId={queueId}");
        Assert.Equal(404, found);
    }

    [Fact]
    public async Task A_paused_mailing_sends_nothing_until_it_is_resumed_and_then_completes()
    {
        var phones = fixture.CreatePhones(12);
        var (status, body) = await Instance.PostAsync("/message/sendText",
            new { numbers = phones.Select(p => p.Phone), textMessage = new { text = "paused mailing" }, options = new { delay = 250 } });
        Assert.Equal(201, status);
        var queueId = body.GetProperty("queue").GetProperty("queueId").GetString()!;
        await Mailings.WaitForAsync(Instance, queueId, InstanceEventNames.SendMessageProcessing, count: 3);

        var (paused, pausedBody) = await Instance.Host.SendAsync(HttpMethod.Put, $"/message/queue/pause/{Instance.Name}?queueId={queueId}");

        Assert.Equal(200, paused);
        Assert.Equal("PAUSED", pausedBody.GetProperty("queue").GetProperty("status").GetString());
        var events = await Mailings.EventsOfAsync(Instance, queueId);
        Assert.Equal(InstanceEventNames.PausedQueue, events[^1].Event);
        Assert.Equal("pause", events[^1].Data.GetProperty("action").GetString());
        var sentAtPause = Mailings.SendsTo(Instance, phones).Count;
        var done = pausedBody.GetProperty("recipients").EnumerateArray().Count(r => r.GetProperty("status").GetString() == "SERVER_ACK");
        Assert.Equal(sentAtPause, done);
        Assert.InRange(sentAtPause, 3, phones.Count - 1);

        // Observed for eight delays: a running queue would have sent about eight more.
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.Equal(sentAtPause, Mailings.SendsTo(Instance, phones).Count);
        var (_, listed) = await Instance.Host.GetAsync($"/message/queue/{Instance.Name}");
        Assert.Contains(listed.EnumerateArray(), q => q.GetProperty("queue").GetProperty("queueId").GetString() == queueId
            && q.GetProperty("queue").GetProperty("status").GetString() == "PAUSED");

        var (resumed, resumedBody) = await Instance.Host.SendAsync(HttpMethod.Put, $"/message/queue/resume/{Instance.Name}?queueId={queueId}");
        Assert.Equal(200, resumed);
        Assert.Equal("RUNNING", resumedBody.GetProperty("queue").GetProperty("status").GetString());
        events = await Mailings.WaitForAsync(Instance, queueId, InstanceEventNames.SendMessageCompleted);

        Assert.Equal(InstanceEventNames.SendMessageCompleted, events[^1].Event);
        Assert.Single(events, e => e.Event == InstanceEventNames.ResumedQueue);
        var progress = events.Where(e => e.Event == InstanceEventNames.SendMessageProcessing)
            .Select(e => e.Data.GetProperty("queue").GetProperty("progress").GetInt32()).ToList();
        Assert.Equal(progress.Order(), progress);
        Assert.Equal(phones.Count, progress.Count);
        Assert.All(phones, phone => Assert.Single(Mailings.CopiesFrom(phone, Instance)));
    }

    [Fact]
    public async Task Deleting_a_running_mailing_stops_it_with_deleted_queue_and_no_more_sends()
    {
        var phones = fixture.CreatePhones(12);
        var (status, body) = await Instance.PostAsync("/message/sendText",
            new { numbers = phones.Select(p => p.Phone), textMessage = new { text = "deleted mailing" }, options = new { delay = new[] { 200, 300 } } });
        Assert.Equal(201, status);
        var queueId = body.GetProperty("queue").GetProperty("queueId").GetString()!;
        await Mailings.WaitForAsync(Instance, queueId, InstanceEventNames.SendMessageProcessing, count: 3);

        var (deleted, deletedBody) = await Instance.Host.SendAsync(HttpMethod.Delete, $"/message/queue/{Instance.Name}?queueId={queueId}");

        Assert.Equal(200, deleted);
        Assert.Equal("DELETED", deletedBody.GetProperty("queue").GetProperty("status").GetString());
        var events = await Mailings.EventsOfAsync(Instance, queueId);
        Assert.Equal(InstanceEventNames.DeletedQueue, events[^1].Event);
        Assert.Equal("delete", events[^1].Data.GetProperty("action").GetString());
        var sent = Mailings.SendsTo(Instance, phones).Count;
        Assert.InRange(sent, 3, phones.Count - 1);

        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.Equal(sent, Mailings.SendsTo(Instance, phones).Count);
        events = await Mailings.EventsOfAsync(Instance, queueId);
        Assert.Equal(InstanceEventNames.DeletedQueue, events[^1].Event);
        Assert.DoesNotContain(events, e => e.Event == InstanceEventNames.SendMessageCompleted);
        // Those before the cursor got one message each, those after none.
        Assert.All(phones.Take(sent), phone => Assert.Single(Mailings.CopiesFrom(phone, Instance)));
        Assert.All(phones.Skip(sent), phone => Assert.Empty(Mailings.CopiesFrom(phone, Instance)));
        var (found, _) = await Instance.Host.GetAsync($"/message/queue/{Instance.Name}?queueId={queueId}");
        Assert.Equal(404, found);
        var (again, _) = await Instance.Host.SendAsync(HttpMethod.Put, $"/message/queue/resume/{Instance.Name}?queueId={queueId}");
        Assert.Equal(404, again);
    }

    [Fact]
    public async Task Every_number_is_checked_before_anything_is_stored_and_the_bad_ones_are_listed()
    {
        var phone = fixture.CreatePhones(1)[0].Phone;
        var sentBefore = Instance.MessagesSentByInstance();

        var (status, body) = await Instance.PostAsync("/message/sendText",
            new { numbers = new object[] { phone, "abc", 42, phone, "5" }, textMessage = new { text = "never sent" } });

        Assert.Equal(400, status);
        var failures = body.GetProperty("message").EnumerateArray().Select(m => m.GetProperty("property").GetString()).ToList();
        Assert.Equal(["numbers[1]", "numbers[2]", "numbers[3]", "numbers[4]"], failures);

        var tooMany = Enumerable.Range(0, SendQueueFixture.MaxRecipients + 1).Select(i => $"5511{i:D8}").ToList();
        (status, body) = await Instance.PostAsync("/message/sendText", new { numbers = tooMany, textMessage = new { text = "never sent" } });
        Assert.Equal(400, status);
        Assert.Equal("numbers", body.GetProperty("message")[0].GetProperty("property").GetString());

        (status, body) = await Instance.PostAsync("/message/sendText", new { number = phone, numbers = new[] { phone }, textMessage = new { text = "x" } });
        Assert.Equal(400, status);
        Assert.Equal("numbers", body.GetProperty("message")[0].GetProperty("property").GetString());

        (status, body) = await Instance.PostAsync("/message/sendText", new { numbers = new[] { phone }, textMessage = new { text = "x" }, options = new { messageId = "FIXED1" } });
        Assert.Equal(400, status);
        Assert.Equal("options.messageId", body.GetProperty("message")[0].GetProperty("property").GetString());

        (status, _) = await Instance.PostAsync("/message/sendText", new { numbers = Array.Empty<string>(), textMessage = new { text = "x" } });
        Assert.Equal(400, status);
        (status, _) = await Instance.PostAsync("/message/sendText", new { numbers = new[] { phone }, textMessage = new { text = "x" } }, instance: "no-such-instance");
        Assert.Equal(404, status);
        (status, _) = await Instance.Host.GetAsync($"/message/queue/{Instance.Name}?queueId=not-a-guid");
        Assert.Equal(400, status);
        (status, _) = await Instance.Host.SendAsync(HttpMethod.Put, $"/message/queue/pause/{Instance.Name}");
        Assert.Equal(400, status);
        (status, _) = await Instance.Host.GetAsync($"/message/queue/{Instance.Name}?queueId={Guid.NewGuid()}");
        Assert.Equal(404, status);
        (status, _) = await Instance.Host.GetAsync("/message/queue/no-such-instance");
        Assert.Equal(404, status);
        Assert.Equal(sentBefore, Instance.MessagesSentByInstance());
    }
}
