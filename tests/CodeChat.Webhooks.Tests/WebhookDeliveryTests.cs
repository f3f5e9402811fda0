using System.Reflection;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Testing;

namespace CodeChat.Webhooks.Tests;

/// <summary>
/// Delivery from the outbox to a real HTTP receiver (Kestrel on 127.0.0.1): envelope, signatures,
/// order, retries, filters, dead letters, replay, 410, rotation. Events are recorded the way the
/// instance grains record them (outbox append + wake-up).
/// </summary>
public sealed class WebhookDeliveryTests(WebhookSiloFixture fixture) : IClassFixture<WebhookSiloFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private WebhookReceiver _receiver = null!;

    private WebhookSilo Silo => fixture.Silo;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    private static string UniqueName() => "dl-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<(string Name, long Id, string Secret)> InstanceWithWebhookAsync(string eventsJson = "")
    {
        var name = UniqueName();
        var (id, _) = await Silo.CreateInstanceAsync(name);
        var (status, body) = await Silo.SetWebhookAsync(name, $$"""{"url":"{{_receiver.Url(name)}}","enabled":true{{eventsJson}}}""");
        Assert.Equal(201, status);
        return (name, id, body.GetProperty("secret").GetString()!);
    }

    private static string ConnectionUpdate(string name, string state) => $$"""{"instance":"{{name}}","state":"{{state}}","statusReason":200}""";

    [Fact]
    public async Task Each_event_arrives_in_the_envelope_with_a_Standard_Webhooks_signature_and_the_Resource_Owner_header()
    {
        var (name, id, secret) = await InstanceWithWebhookAsync();
        var qr = await Silo.AppendAsync(name, id, "qrcode.updated",
            $$"""{"name":"{{name}}","qrcode":{"code":"2@abc,def,ghi,1","base64":"data:image/png;base64,AAAA"},"count":1}""");
        var open = await Silo.AppendAsync(name, id, "connection.update", ConnectionUpdate(name, "open"), owner: "5511999990001@s.whatsapp.net");

        await _receiver.WaitUntilAsync(all => all.Count(r => r.Instance == name && r.Accepted) >= 2, Patience, "two events");
        var received = _receiver.AcceptedFor(name).ToList();
        Assert.Equal([qr.Sequence, open.Sequence], received.Select(r => r.Sequence));

        foreach (var (webhook, record) in received.Zip([qr, open]))
        {
            var envelope = webhook.Envelope;
            Assert.Equal(["id", "sequence", "event", "instance", "data", "date"], envelope.EnumerateObject().Select(p => p.Name));
            Assert.Equal(record.Id, webhook.Id);
            Assert.Equal(record.Event, webhook.Event);
            Assert.Equal(name, envelope.GetProperty("instance").GetProperty("name").GetString());
            Assert.Equal(id, envelope.GetProperty("instance").GetProperty("id").GetInt64());
            Assert.Equal(JsonDocument.Parse(record.DataJson).RootElement.GetRawText(), envelope.GetProperty("data").GetRawText());
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", envelope.GetProperty("date").GetString());
            Assert.Equal(record.Id.ToString(), webhook.Headers["webhook-id"]);
            Assert.StartsWith("v1,", webhook.Headers["webhook-signature"]);
            Assert.True(SignatureVerifier.Verify(secret, webhook.Headers, webhook.Body), "the specification's algorithm verifies the signature");
            Assert.False(SignatureVerifier.Verify("whsec_" + Convert.ToBase64String(new byte[32]), webhook.Headers, webhook.Body));
            SignatureVerifier.VerifyWithStandardWebhooksPackage(secret, webhook.Headers, webhook.Body);
        }

        Assert.False(received[0].Headers.ContainsKey("resource-owner"));
        Assert.Equal("5511999990001@s.whatsapp.net", received[1].Headers["resource-owner"]);
        Assert.Equal("5511999990001@s.whatsapp.net", received[1].Envelope.GetProperty("instance").GetProperty("owner").GetString());
        // CodeChat 1.3's name for it, which its clients read (api-contract.md §6).
        Assert.Equal("5511999990001@s.whatsapp.net", received[1].Envelope.GetProperty("instance").GetProperty("ownerJid").GetString());
        Assert.Equal(JsonValueKind.Null, received[0].Envelope.GetProperty("instance").GetProperty("ownerJid").ValueKind);
    }

    [Fact]
    public async Task Every_event_name_the_gateway_emits_arrives_in_order_in_the_envelope_with_a_verifiable_signature()
    {
        var names = typeof(InstanceEventNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral).Select(field => (string)field.GetRawConstantValue()!).ToList();
        Assert.Contains(InstanceEventNames.GroupParticipantUpdate, names);
        Assert.Contains(InstanceEventNames.SendMessageCompleted, names);
        var (name, id, secret) = await InstanceWithWebhookAsync();
        var appended = new List<InstanceEventRecord>();
        foreach (var eventName in names)
            appended.Add(await Silo.AppendAsync(name, id, eventName, $$"""{"instance":"{{name}}","kind":"{{eventName}}"}"""));

        await _receiver.WaitUntilAsync(all => all.Count(r => r.Instance == name && r.Accepted) >= names.Count, Patience, "every event name");
        var received = _receiver.AcceptedFor(name).ToList();
        Assert.Equal(appended.Select(record => record.Sequence), received.Select(webhook => webhook.Sequence));
        Assert.Equal(names, received.Select(webhook => webhook.Event));
        foreach (var (webhook, record) in received.Zip(appended))
        {
            Assert.Equal(["id", "sequence", "event", "instance", "data", "date"], webhook.Envelope.EnumerateObject().Select(p => p.Name));
            Assert.Equal(record.Id, webhook.Id);
            Assert.Equal(record.Event, webhook.Envelope.GetProperty("data").GetProperty("kind").GetString());
            SignatureVerifier.VerifyWithStandardWebhooksPackage(secret, webhook.Headers, webhook.Body);
        }
    }

    [Fact]
    public async Task A_receiver_failing_three_times_gets_every_event_in_order_with_the_same_id_on_each_attempt()
    {
        var (name, id, _) = await InstanceWithWebhookAsync();
        var failures = 0;
        _receiver.Responder = webhook => webhook.Instance == name && Interlocked.Increment(ref failures) <= 3 ? (503, null) : (200, null);

        var records = new List<Grains.Abstractions.Events.InstanceEventRecord>();
        for (var i = 0; i < 5; i++)
            records.Add(await Silo.AppendAsync(name, id, "connection.update", ConnectionUpdate(name, i % 2 == 0 ? "connecting" : "open")));

        await _receiver.WaitUntilAsync(all => all.Count(r => r.Instance == name && r.Accepted) >= 5, Patience, "five deliveries");
        var posts = _receiver.Received.Where(r => r.Instance == name).ToList();
        Assert.Equal(8, posts.Count);
        Assert.All(posts.Take(4), post => Assert.Equal(records[0].Id.ToString(), post.Headers["webhook-id"]));
        Assert.Equal([503, 503, 503, 200], posts.Take(4).Select(p => p.AnsweredStatus));
        Assert.Equal(records.Select(r => r.Sequence), posts.Where(p => p.Accepted).Select(p => p.Sequence));

        var (status, log) = await Silo.GetJsonAsync($"/webhook/deliveries/{name}?eventId={records[0].Id}");
        Assert.Equal(200, status);
        Assert.Equal(["delivered", "retrying", "retrying", "retrying"], log.EnumerateArray().Select(a => a.GetProperty("outcome").GetString()));
        Assert.Equal([4, 3, 2, 1], log.EnumerateArray().Select(a => a.GetProperty("attempt").GetInt32()));
        Assert.Equal(503, log[1].GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task Event_flags_and_13_aliases_decide_what_is_delivered()
    {
        var (name, id, _) = await InstanceWithWebhookAsync(""","events":{"connectionUpdated":true,"sendMessageStart":true}""");
        await Silo.AppendAsync(name, id, "qrcode.updated", """{"qrcode":{"code":"x","base64":"y"}}""");
        var connection = await Silo.AppendAsync(name, id, "connection.update", ConnectionUpdate(name, "open"));
        await Silo.AppendAsync(name, id, "new.message", """{"header":{"messageId":"A1"}}""");
        var started = await Silo.AppendAsync(name, id, "send.message:START", """{"queue":{"queueId":"q1","status":"STARTED","progress":0}}""");
        var marker = await Silo.AppendAsync(name, id, "connection.update", ConnectionUpdate(name, "close"));

        await _receiver.WaitUntilAsync(all => all.Any(r => r.Instance == name && r.Sequence == marker.Sequence), Patience, "the last event");
        Assert.Equal([connection.Sequence, started.Sequence, marker.Sequence], _receiver.AcceptedFor(name).Select(r => r.Sequence));
    }

    [Fact]
    public async Task A_refused_event_is_dead_lettered_the_line_moves_on_and_a_replay_by_id_or_range_delivers_it_again()
    {
        var (name, id, _) = await InstanceWithWebhookAsync();
        var refuse = true;
        _receiver.Responder = webhook => webhook.Instance == name && webhook.Sequence == 2 && Volatile.Read(ref refuse) ? (400, null) : (200, null);
        var events = new List<Grains.Abstractions.Events.InstanceEventRecord>();
        for (var i = 0; i < 3; i++)
            events.Add(await Silo.AppendAsync(name, id, "connection.update", ConnectionUpdate(name, "open")));
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Sequence));

        await _receiver.WaitUntilAsync(all => all.Any(r => r.Instance == name && r.Sequence == 3 && r.Accepted), Patience, "event 3");
        var (status, dead) = await Silo.GetJsonAsync($"/webhook/deadLetters/{name}");
        Assert.Equal(200, status);
        var letter = Assert.Single(dead.EnumerateArray());
        Assert.Equal(events[1].Id, letter.GetProperty("eventId").GetGuid());
        Assert.Equal(400, letter.GetProperty("lastStatusCode").GetInt32());
        Assert.Equal(1, letter.GetProperty("attempts").GetInt32());

        Volatile.Write(ref refuse, false);
        var (replayStatus, replay) = await Silo.PostJsonAsync($"/webhook/replay/{name}", $$"""{"id":"{{events[1].Id}}"}""");
        Assert.Equal(202, replayStatus);
        Assert.Equal([2L], replay.GetProperty("sequences").EnumerateArray().Select(s => s.GetInt64()));
        await _receiver.WaitUntilAsync(all => all.Any(r => r.Instance == name && r.Sequence == 2 && r.Accepted), Patience, "the replay");
        Assert.Equal(events[1].Id.ToString(), _receiver.AcceptedFor(name).Single(r => r.Sequence == 2).Headers["webhook-id"]);
        // The receiver logs the POST before it answers; the dispatcher records the replay after the answer.
        var deadline = DateTime.UtcNow + Patience;
        while ((await Silo.GetJsonAsync($"/webhook/deadLetters/{name}")).Body[0].GetProperty("replayedAt").ValueKind == JsonValueKind.Null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the dead letter was never marked replayed");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        (replayStatus, _) = await Silo.PostJsonAsync($"/webhook/replay/{name}", """{"fromSequence":1,"toSequence":3}""");
        Assert.Equal(202, replayStatus);
        await _receiver.WaitUntilAsync(all => all.Count(r => r.Instance == name && r.Accepted) >= 6, Patience, "the range replay");
        Assert.Equal([1L, 3L, 2L, 1L, 2L, 3L], _receiver.AcceptedFor(name).Select(r => r.Sequence));

        Assert.Equal(400, (await Silo.PostJsonAsync($"/webhook/replay/{name}", """{"fromSequence":0}""")).Status);
        Assert.Equal(400, (await Silo.PostJsonAsync($"/webhook/replay/{name}", """{}""")).Status);
        Assert.Equal(404, (await Silo.PostJsonAsync($"/webhook/replay/{name}", """{"fromSequence":100}""")).Status);
    }

    [Fact]
    public async Task A_410_disables_the_endpoint_until_it_is_set_again()
    {
        var (name, id, _) = await InstanceWithWebhookAsync();
        var gone = true;
        _receiver.Responder = webhook => webhook.Instance == name && Volatile.Read(ref gone) ? (410, null) : (200, null);
        await Silo.AppendAsync(name, id, "connection.update", ConnectionUpdate(name, "open"));
        await _receiver.WaitUntilAsync(all => all.Any(r => r.Instance == name), Patience, "the first POST");

        JsonElement found = default;
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline && !(found = (await Silo.GetJsonAsync($"/webhook/find/{name}")).Body).TryGetProperty("disabledReason", out _))
            await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.Contains("410", found.GetProperty("disabledReason").GetString());

        await Silo.AppendAsync(name, id, "connection.update", ConnectionUpdate(name, "close"));
        Volatile.Write(ref gone, false);
        var (status, set) = await Silo.SetWebhookAsync(name, $$"""{"url":"{{_receiver.Url(name)}}","enabled":true}""");
        Assert.Equal(201, status);
        Assert.False(set.TryGetProperty("disabledReason", out _));
        var after = await Silo.AppendAsync(name, id, "connection.update", ConnectionUpdate(name, "open"));
        await _receiver.WaitUntilAsync(all => all.Any(r => r.Instance == name && r.Accepted), Patience, "delivery after re-enabling");
        Assert.Equal([after.Sequence], _receiver.AcceptedFor(name).Select(r => r.Sequence));
        Assert.Single(_receiver.Received, r => r.Instance == name && r.AnsweredStatus == 410);
    }

    [Fact]
    public async Task A_410_to_an_attempt_begun_before_the_webhook_was_set_again_leaves_the_endpoint_on()
    {
        var (name, id, _) = await InstanceWithWebhookAsync();
        var posted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        var first = 1;
        _receiver.Responder = webhook =>
        {
            if (webhook.Instance != name || Interlocked.Exchange(ref first, 0) == 0)
                return (200, null);
            // Holds its 410 until the operator has set the webhook again.
            posted.TrySetResult();
            release.Wait(Patience);
            return (410, null);
        };
        var refused = await Silo.AppendAsync(name, id, "connection.update", ConnectionUpdate(name, "open"));
        await posted.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);

        try
        {
            var (status, _) = await Silo.SetWebhookAsync(name, $$"""{"url":"{{_receiver.Url(name)}}","enabled":true}""");
            Assert.Equal(201, status);
        }
        finally
        {
            release.Set();
        }
        await _receiver.WaitUntilAsync(all => all.Any(r => r.Instance == name && r.AnsweredStatus == 410), Patience, "the 410");

        var after = await Silo.AppendAsync(name, id, "connection.update", ConnectionUpdate(name, "close"));
        await _receiver.WaitUntilAsync(all => all.Any(r => r.Instance == name && r.Sequence == after.Sequence && r.Accepted), Patience, "the next event");
        Assert.False((await Silo.GetJsonAsync($"/webhook/find/{name}")).Body.TryGetProperty("disabledReason", out _));
        // The held POST was answered, not timed out and sent again: only the later event was accepted.
        Assert.Equal([after.Sequence], _receiver.AcceptedFor(name).Select(r => r.Sequence));
        // Its attempt is logged as dead-lettered, not as the one that switched the endpoint off.
        var (_, log) = await Silo.GetJsonAsync($"/webhook/deliveries/{name}?eventId={refused.Id}");
        Assert.Equal(["dead_lettered"], log.EnumerateArray().Select(a => a.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_its_event_is_dead_lettered()
    {
        var (name, id, _) = await InstanceWithWebhookAsync();
        var moved = _receiver.Url("moved-" + name);
        _receiver.Responder = webhook => webhook.Instance == name && webhook.Sequence == 1
            ? (307, new Dictionary<string, string> { ["Location"] = moved })
            : (200, null);
        var redirected = await Silo.AppendAsync(name, id, "connection.update", ConnectionUpdate(name, "open"));
        var next = await Silo.AppendAsync(name, id, "connection.update", ConnectionUpdate(name, "close"));

        await _receiver.WaitUntilAsync(all => all.Any(r => r.Instance == name && r.Sequence == next.Sequence && r.Accepted), Patience, "the next event");
        Assert.Equal([redirected.Sequence, next.Sequence], _receiver.Received.Where(r => r.Instance == name).Select(r => r.Sequence));
        Assert.DoesNotContain(_receiver.Received, r => r.Path.Contains("moved-", StringComparison.Ordinal));
        var (_, dead) = await Silo.GetJsonAsync($"/webhook/deadLetters/{name}");
        var letter = Assert.Single(dead.EnumerateArray());
        Assert.Equal(redirected.Id, letter.GetProperty("eventId").GetGuid());
        Assert.Equal(307, letter.GetProperty("lastStatusCode").GetInt32());
    }

    [Fact]
    public async Task Retry_After_of_a_429_is_honoured()
    {
        var (name, id, _) = await InstanceWithWebhookAsync();
        var first = true;
        _receiver.Responder = webhook =>
        {
            if (webhook.Instance != name || !first)
                return (200, null);
            first = false;
            return (429, new Dictionary<string, string> { ["Retry-After"] = "2" });
        };
        await Silo.AppendAsync(name, id, "connection.update", ConnectionUpdate(name, "open"));
        await _receiver.WaitUntilAsync(all => all.Any(r => r.Instance == name && r.Accepted), Patience, "the retried delivery");
        var posts = _receiver.Received.Where(r => r.Instance == name).ToList();
        Assert.Equal(2, posts.Count);
        Assert.True(posts[1].ReceivedAt - posts[0].ReceivedAt >= TimeSpan.FromSeconds(1.9), $"retried after {posts[1].ReceivedAt - posts[0].ReceivedAt}");
    }

    [Fact]
    public async Task A_rotated_secret_signs_beside_the_previous_one_during_the_grace_period()
    {
        var (name, id, oldSecret) = await InstanceWithWebhookAsync();
        var (status, rotated) = await Silo.SetWebhookAsync(name, $$"""{"url":"{{_receiver.Url(name)}}","enabled":true,"rotateSecret":true}""");
        Assert.Equal(201, status);
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        Assert.True(rotated.GetProperty("previousSecretValidUntil").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(23));

        await Silo.AppendAsync(name, id, "connection.update", ConnectionUpdate(name, "open"));
        await _receiver.WaitUntilAsync(all => all.Any(r => r.Instance == name && r.Accepted), Patience, "a delivery");
        var webhook = _receiver.AcceptedFor(name).Single();
        Assert.Equal(2, webhook.Headers["webhook-signature"].Split(' ').Length);
        Assert.True(SignatureVerifier.Verify(newSecret, webhook.Headers, webhook.Body));
        Assert.True(SignatureVerifier.Verify(oldSecret, webhook.Headers, webhook.Body));
    }
}
