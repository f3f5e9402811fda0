using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Messages;

namespace CodeChat.Session.Tests;

/// <summary>
/// <c>POST /message/sendText</c> through the real HTTP pipeline, the silo, PostgreSQL and the emulator,
/// with Baileys 7 as the receiver: what Baileys gets is checked field by field.
/// </summary>
public sealed class SendTextTests(SendTextFixture fixture) : IClassFixture<SendTextFixture>
{
    private static readonly TimeSpan Patience = SendingInstance.Patience;

    private SendingInstance Instance => fixture.Instance;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Unique(string prefix) => prefix + " " + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_text_arrives_at_Baileys_exactly_and_the_answer_is_201_with_the_stored_record_acked_by_the_server()
    {
        var text = Unique("olá from the gateway ✓");
        var (status, body) = await Instance.SendTextAsync(fixture.BobAccount.Phone, text, new { externalAttributes = new { crmId = 42, tags = new[] { "a" } } });

        Assert.Equal(201, status);
        var keyId = body.GetProperty("keyId").GetString()!;
        Assert.True(body.GetProperty("keyFromMe").GetBoolean());
        Assert.Equal(fixture.BobAccount.PnJid, body.GetProperty("keyRemoteJid").GetString());
        Assert.Equal("extendedTextMessage", body.GetProperty("messageType").GetString());
        Assert.Equal(text, body.GetProperty("content").GetProperty("text").GetString());
        Assert.Equal("SERVER_ACK", body.GetProperty("status").GetString());
        Assert.Equal("web", body.GetProperty("device").GetString());
        Assert.False(body.GetProperty("isGroup").GetBoolean());
        Assert.Equal(42, body.GetProperty("externalAttributes").GetProperty("crmId").GetInt32());
        Assert.InRange(body.GetProperty("messageTimestamp").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());

        var received = await fixture.Bob.WaitForMessageAsync(e => e["id"]?.GetValue<string>() == keyId, Patience, Ct);
        Assert.Equal(text, received["text"]!.GetValue<string>());
        Assert.Equal(Instance.Account.PnJid, received["from"]!.GetValue<string>());
        Assert.Contains("extendedTextMessage", received["messageKinds"]!.AsArray().Select(k => k!.GetValue<string>()));

        var stored = await Instance.StoredAsync(body.GetProperty("id").GetInt64());
        Assert.NotNull(stored);
        Assert.Equal(new MessageKey(fixture.BobAccount.PnJid, keyId, true), stored.Key);
        Assert.True(stored.Status >= MessageStatus.ServerAck);
        // The first status event: SERVER_ACK, or DELIVERY_ACK when Bob's receipt overtook the server's ack
        // (a status never moves back, so no SERVER_ACK event follows then).
        var update = await Instance.WaitForEventAsync(InstanceEventNames.MessagesUpdate, d =>
            d.GetProperty("update").GetProperty("header").GetProperty("messageId").GetString() == keyId
            && d.GetProperty("update").GetProperty("status").GetString() is "SERVER_ACK" or "DELIVERY_ACK");
        Assert.Equal(body.GetProperty("id").GetInt64(), update.GetProperty("id").GetInt64());
        Assert.True(update.GetProperty("update").GetProperty("header").GetProperty("fromMe").GetBoolean());
        Assert.Equal(fixture.BobAccount.PnJid, update.GetProperty("update").GetProperty("header").GetProperty("wuid").GetString());
    }

    [Fact]
    public async Task Delivery_and_read_receipts_move_the_stored_status_with_messages_update_events()
    {
        var text = Unique("read me");
        var (status, body) = await Instance.SendTextAsync(fixture.BobAccount.Phone, text);
        Assert.Equal(201, status);
        var id = body.GetProperty("id").GetInt64();
        var received = await fixture.Bob.WaitForTextAsync(text, Patience, Ct);
        await WaitForUpdateAsync(id, "DELIVERY_ACK", participant: null);

        await fixture.Bob.CommandAsync("read", new { keys = new[] { received["key"] } }, cancellationToken: Ct);
        var read = await WaitForUpdateAsync(id, "READ", participant: null);
        Assert.Equal(fixture.BobAccount.PnJid, read.GetProperty("update").GetProperty("header").GetProperty("wuid").GetString());
        Assert.Equal(MessageStatus.Read, (await Instance.StoredAsync(id))!.Status);
    }

    [Fact]
    public async Task Group_receipts_raise_one_messages_update_per_member()
    {
        var text = Unique("to the group");
        var (status, body) = await Instance.SendTextAsync(fixture.GroupJid, text);
        Assert.Equal(201, status);
        Assert.True(body.GetProperty("isGroup").GetBoolean());
        var id = body.GetProperty("id").GetInt64();
        await fixture.Bob.WaitForTextAsync(text, Patience, Ct);
        var atCarol = await fixture.Carol.WaitForTextAsync(text, Patience, Ct);

        await WaitForUpdateAsync(id, "DELIVERY_ACK", fixture.BobAccount.PnJid);
        await WaitForUpdateAsync(id, "DELIVERY_ACK", fixture.CarolAccount.PnJid);
        await fixture.Carol.CommandAsync("read", new { keys = new[] { atCarol["key"] } }, cancellationToken: Ct);
        await WaitForUpdateAsync(id, "READ", fixture.CarolAccount.PnJid);
        Assert.Equal(MessageStatus.Read, (await Instance.StoredAsync(id))!.Status);
        var updates = (await Instance.Host.EventsAsync(Instance.Name)).Count(e => e.Event == InstanceEventNames.MessagesUpdate
            && JsonDocument.Parse(e.DataJson).RootElement.GetProperty("id").GetInt64() == id);
        // SERVER_ACK (unless a receipt overtook it), two deliveries, one read: never one twice.
        Assert.InRange(updates, 3, 4);
    }

    private Task<JsonElement> WaitForUpdateAsync(long id, string status, string? participant) =>
        Instance.WaitForEventAsync(InstanceEventNames.MessagesUpdate, d =>
            d.GetProperty("id").GetInt64() == id
            && d.GetProperty("update").GetProperty("status").GetString() == status
            && (participant is null || (d.GetProperty("update").GetProperty("header").TryGetProperty("participant", out var p) && p.GetString() == participant)));

    [Fact]
    public async Task A_form_encoded_send_with_a_forced_message_id_uses_that_id()
    {
        var text = Unique("form");
        var messageId = "TESTID" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        var form = $"number={fixture.BobAccount.Phone}&textMessage[text]={Uri.EscapeDataString(text)}&options[messageId]={messageId}&options[delay]=0";
        var (status, body) = await Instance.PostRawAsync("/message/sendText", form, "application/x-www-form-urlencoded");

        Assert.Equal(201, status);
        Assert.Equal(messageId, body.GetProperty("keyId").GetString());
        var received = await fixture.Bob.WaitForTextAsync(text, Patience, Ct);
        Assert.Equal(messageId, received["id"]!.GetValue<string>());

        // The same id again is refused and nothing more is sent.
        var sentBefore = Instance.MessagesSentByInstance();
        var (again, error) = await Instance.SendTextAsync(fixture.BobAccount.Phone, "again", new { messageId });
        Assert.Equal(400, again);
        Assert.Equal("options.messageId", error.GetProperty("message")[0].GetProperty("property").GetString());
        Assert.Equal(sentBefore, Instance.MessagesSentByInstance());
    }

    [Fact]
    public async Task A_quote_by_WhatsApp_id_and_by_stored_id_shows_the_quoted_message_at_Baileys()
    {
        var original = Unique("question from Bob");
        var originalId = await fixture.Bob.SendTextAsync(Instance.Account.PnJid, original, Ct);
        var stored = await Instance.WaitForEventAsync(InstanceEventNames.NewMessage, d => d.GetProperty("header").GetProperty("messageId").GetString() == originalId);

        var byWhatsAppId = Unique("answer 1");
        var (status, body) = await Instance.SendTextAsync(fixture.BobAccount.Phone, byWhatsAppId, new { quoted = new { messageId = originalId } });
        Assert.Equal(201, status);
        Assert.Equal(originalId, body.GetProperty("content").GetProperty("contextInfo").GetProperty("stanzaID").GetString());
        var first = await fixture.Bob.WaitForTextAsync(byWhatsAppId, Patience, Ct);
        AssertQuote(first, originalId, original, fixture.BobAccount.PnJid);

        var byStoredId = Unique("answer 2");
        (status, _) = await Instance.SendTextAsync(fixture.BobAccount.Phone, byStoredId, new { quotedMessageId = stored.GetProperty("id").GetInt64() });
        Assert.Equal(201, status);
        AssertQuote(await fixture.Bob.WaitForTextAsync(byStoredId, Patience, Ct), originalId, original, fixture.BobAccount.PnJid);

        // Quoting our own message names us as the participant.
        var ownId = first["id"]!.GetValue<string>();
        var third = Unique("answer 3");
        (status, _) = await Instance.SendTextAsync(fixture.BobAccount.Phone, third, new { quoted = new { messageId = ownId } });
        Assert.Equal(201, status);
        AssertQuote(await fixture.Bob.WaitForTextAsync(third, Patience, Ct), ownId, byWhatsAppId, Instance.Account.PnJid);
    }

    private static void AssertQuote(JsonObject received, string stanzaId, string quotedText, string participant)
    {
        var context = received["contextInfo"]!.AsObject();
        Assert.Equal(stanzaId, context["stanzaId"]!.GetValue<string>());
        Assert.Equal(quotedText, context["quotedText"]!.GetValue<string>());
        Assert.Equal(participant, context["participant"]!.GetValue<string>());
    }

    [Fact]
    public async Task Mentions_in_a_group_set_mentionedJid_exactly_for_mentioned_everyone_and_ghostMention()
    {
        var group = fixture.GroupJid;
        var mentionedText = Unique("hi @" + fixture.BobAccount.Phone);
        var (status, _) = await Instance.SendTextAsync(group, mentionedText, new { mentions = new { mentioned = new[] { fixture.BobAccount.Phone } } });
        Assert.Equal(201, status);
        var atCarol = await fixture.Carol.WaitForTextAsync(mentionedText, Patience, Ct);
        Assert.Equal(group, atCarol["from"]!.GetValue<string>());
        Assert.Equal([fixture.BobAccount.PnJid], Mentioned(atCarol));

        // everyone overrides mentioned; without ghostMention each member is referenced in the text.
        var everyoneText = Unique("all hands");
        (status, _) = await Instance.SendTextAsync(group, everyoneText, new { mentions = new { everyone = true, mentioned = new[] { "5511900000001" } } });
        Assert.Equal(201, status);
        var everyone = await fixture.Bob.WaitForMessageAsync(e => e["text"]?.GetValue<string>()?.StartsWith(everyoneText, StringComparison.Ordinal) == true, Patience, Ct);
        var members = MemberJids();
        Assert.Equal(members, Mentioned(everyone).Order(StringComparer.Ordinal));
        foreach (var member in members)
            Assert.Contains("@" + member[..member.IndexOf('@')], everyone["text"]!.GetValue<string>(), StringComparison.Ordinal);

        // The seed's aliases at the top of options: everyone with ghostMention leaves the text alone.
        var ghostText = Unique("ghost");
        (status, _) = await Instance.SendTextAsync(group, ghostText, new { everyone = true, ghostMention = true });
        Assert.Equal(201, status);
        var ghost = await fixture.Carol.WaitForTextAsync(ghostText, Patience, Ct);
        Assert.Equal(members, Mentioned(ghost).Order(StringComparer.Ordinal));
    }

    private string[] MemberJids()
    {
        var group = fixture.Instance.Emulator.Emulator.Groups.Single(g => g.Jid == fixture.GroupJid);
        // The emulator's groups are PN-addressed, so mentions name the members' phone JIDs.
        return [.. group.Members.Where(m => m != Instance.Account).Select(m => m.PnJid).Order(StringComparer.Ordinal)];
    }

    private static List<string> Mentioned(JsonObject received) =>
        received["contextInfo"]!["mentionedJid"]!.AsArray().Select(j => j!.GetValue<string>()).ToList();

    [Fact]
    public async Task A_delay_shows_composing_then_paused_and_the_message_leaves_no_earlier_than_its_lower_bound()
    {
        await fixture.Bob.CommandAsync("subscribePresence", new { to = Instance.Account.PnJid }, cancellationToken: Ct);
        var text = Unique("after a pause");
        var clock = Stopwatch.StartNew();
        var (status, _) = await Instance.SendTextAsync(fixture.BobAccount.Phone, text, new { delay = new[] { 1500, 1800 } });
        clock.Stop();

        Assert.Equal(201, status);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(1500), $"answered after {clock.Elapsed}");
        await fixture.Bob.WaitForTextAsync(text, Patience, Ct);
        var ours = Instance.Account.PnJid;
        await fixture.Bob.WaitForEventAsync("presence", e => e["participant"]?.GetValue<string>() == ours && e["presence"]?.GetValue<string>() == "composing", Patience, Ct);
        // Baileys reports a <paused/> chat state as "available" (chats.js handlePresenceUpdate).
        await fixture.Bob.WaitForEventAsync("presence", e => e["participant"]?.GetValue<string>() == ours && e["presence"]?.GetValue<string>() == "available", Patience, Ct);
        Assert.Contains(Instance.Emulator.Emulator.Journal, e => e.Direction == CodeChat.WaEmulator.Protocol.StanzaDirection.FromClient
            && e.Device == Instance.Device.PnJid && e.Tag == "chatstate" && e.Summary.Contains("paused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_inputs_are_400_naming_the_field_and_nothing_is_sent()
    {
        var sentBefore = Instance.MessagesSentByInstance();
        async Task AssertRefused(object body, string property, int expectedStatus = 400)
        {
            var (status, error) = await Instance.PostAsync("/message/sendText", body);
            Assert.Equal(expectedStatus, status);
            Assert.Contains(error.GetProperty("message").EnumerateArray(), m => m.ValueKind == JsonValueKind.Object && m.GetProperty("property").GetString() == property);
        }

        var bob = fixture.BobAccount.Phone;
        await AssertRefused(new { number = bob }, "instance");
        await AssertRefused(new { number = bob, textMessage = new { } }, "textMessage");
        await AssertRefused(new { number = bob, textMessage = new { text = "" } }, "textMessage.text");
        await AssertRefused(new { number = "+55 11", textMessage = new { text = "x" } }, "number");
        await AssertRefused(new { number = "abc", textMessage = new { text = "x" } }, "number");
        await AssertRefused(new { number = bob, textMessage = new { text = "x" }, options = new { delay = "soon" } }, "options.delay");
        await AssertRefused(new { number = bob, textMessage = new { text = "x" }, options = new { delay = new[] { 5, 1 } } }, "options.delay");
        await AssertRefused(new { number = bob, textMessage = new { text = "x" }, options = new { presence = "dancing" } }, "options.presence");
        await AssertRefused(new { number = bob, textMessage = new { text = "x" }, options = new { quoted = new { } } }, "options.quoted.messageId");
        await AssertRefused(new { number = bob, textMessage = new { text = "x" }, options = new { mentions = new { mentioned = new[] { bob } } } }, "options.mentions");
        await AssertRefused(new { number = bob, textMessage = new { text = "x" }, options = new { externalAttributes = new { big = new string('x', 70_000) } } },
            "options.externalAttributes", 413);

        var (quotedStatus, quotedError) = await Instance.SendTextAsync(bob, "x", new { quoted = new { messageId = "NOSUCHMESSAGE0001" } });
        Assert.Equal(400, quotedStatus);
        Assert.Equal("Quoted message not found", quotedError.GetProperty("message")[0].GetString());

        var (groupStatus, groupError) = await Instance.SendTextAsync("120363000000000000@g.us", "x");
        Assert.Equal(400, groupStatus);
        Assert.Equal("Group not found", groupError.GetProperty("message")[0].GetString());

        Assert.Equal(sentBefore, Instance.MessagesSentByInstance());
    }

    [Fact]
    public async Task A_number_without_WhatsApp_is_400_with_exists_false_and_its_jid()
    {
        var sentBefore = Instance.MessagesSentByInstance();
        var (status, error) = await Instance.SendTextAsync("5511987650000", "anyone?");
        Assert.Equal(400, status);
        var answer = error.GetProperty("message")[0];
        Assert.False(answer.GetProperty("exists").GetBoolean());
        Assert.Equal("5511987650000@s.whatsapp.net", answer.GetProperty("jid").GetString());
        Assert.Equal(sentBefore, Instance.MessagesSentByInstance());
    }

    [Fact]
    public async Task A_contact_requiring_a_privacy_token_is_a_clear_400_until_it_writes_to_us_then_201()
    {
        var (dora, doraAccount) = await Instance.AddPeerAsync("Dora");
        doraAccount.RequiresPrivacyToken = true;

        var (status, error) = await Instance.SendTextAsync(doraAccount.Phone, Unique("cold"));
        Assert.Equal(400, status);
        var refusal = error.GetProperty("message")[0].GetString();
        Assert.Contains("error 463", refusal, StringComparison.Ordinal);
        Assert.Contains("privacy token", refusal, StringComparison.Ordinal);

        // Dora writes first; her app then issues its token to us, and the instance acks that
        // notification only once the token is stored.
        await dora.SendTextAsync(Instance.Account.PnJid, Unique("write me"), Ct);
        var journal = Instance.Emulator.Emulator;
        await WaitUntilAsync(() => journal.Journal.Any(s => s is { Direction: WaEmulator.Protocol.StanzaDirection.ToClient, Tag: "notification", Type: "privacy_token" } && s.Device == Instance.Device.PnJid));
        var notification = journal.Journal.First(s => s is { Direction: WaEmulator.Protocol.StanzaDirection.ToClient, Tag: "notification", Type: "privacy_token" } && s.Device == Instance.Device.PnJid);
        await WaitUntilAsync(() => journal.Journal.Any(s => s is { Direction: WaEmulator.Protocol.StanzaDirection.FromClient, Tag: "ack" } && s.Id == notification.Id));

        var text = Unique("warm");
        (status, var body) = await Instance.SendTextAsync(doraAccount.Phone, text);
        Assert.True(status == 201, $"{status}: {body}");
        await dora.WaitForTextAsync(text, Patience, Ct);
    }

    [Fact]
    public async Task An_unknown_instance_is_404_and_a_wrong_key_is_401()
    {
        var (status, _) = await Instance.PostAsync("/message/sendText", new { number = fixture.BobAccount.Phone, textMessage = new { text = "x" } }, instance: "no-such-" + Guid.NewGuid().ToString("N")[..6]);
        Assert.Equal(404, status);

        using var stranger = Instance.Host.CreateClient();
        stranger.DefaultRequestHeaders.Add("apikey", "not-the-key");
        (status, _) = await Instance.PostAsync("/message/sendText", new { number = fixture.BobAccount.Phone, textMessage = new { text = "x" } }, client: stranger);
        Assert.Equal(401, status);
    }

    [Fact]
    public async Task A_message_from_Baileys_is_stored_and_confirmed_while_our_send_waits_for_its_ack()
    {
        Instance.Emulator.Emulator.HoldAcks(Instance.Device);
        Task<(int Status, JsonElement Body)> sending;
        var text = Unique("ours, ack held");
        try
        {
            sending = Instance.SendTextAsync(fixture.BobAccount.Phone, text);
            await WaitUntilAsync(() => Instance.Emulator.Emulator.HeldAcksFor(Instance.Device) > 0);

            // Our send is in flight; Bob's message must still be stored and receipted at once.
            var clock = Stopwatch.StartNew();
            var incomingId = await fixture.Bob.SendTextAsync(Instance.Account.PnJid, Unique("crossing"), Ct);
            await fixture.Bob.WaitForEventAsync("receipt", e => e["id"]?.GetValue<string>() == incomingId && e["status"]?.GetValue<int>() >= 3, Patience, Ct);
            Assert.False(sending.IsCompleted);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"the incoming message waited {clock.Elapsed}");
        }
        finally
        {
            Instance.Emulator.Emulator.ReleaseAcks(Instance.Device);
        }

        var (status, body) = await sending;
        Assert.True(status == 201, $"{status}: {body}");
        Assert.Equal("SERVER_ACK", body.GetProperty("status").GetString());
        await fixture.Bob.WaitForTextAsync(text, Patience, Ct);
    }

    [Fact]
    public async Task WhatsappNumbers_tells_existing_missing_and_group_numbers_apart()
    {
        var brazilian = Instance.Emulator.Emulator.CreateAccount("553187" + Random.Shared.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var withNinthDigit = "55319" + brazilian.Phone[4..];
        var (status, body) = await Instance.PostAsync("/chat/whatsappNumbers",
            new { numbers = new[] { fixture.BobAccount.Phone, "5511987650001", withNinthDigit, fixture.GroupJid } });

        Assert.Equal(200, status);
        var answers = body.EnumerateArray().ToList();
        Assert.Equal(4, answers.Count);
        Assert.True(answers[0].GetProperty("exists").GetBoolean());
        Assert.Equal(fixture.BobAccount.PnJid, answers[0].GetProperty("jid").GetString());
        Assert.Equal(fixture.BobAccount.LidJid, answers[0].GetProperty("lid").GetString());
        Assert.False(answers[1].GetProperty("exists").GetBoolean());
        Assert.Equal("5511987650001@s.whatsapp.net", answers[1].GetProperty("jid").GetString());
        // WhatsApp answers with the JID the account has: the Brazilian ninth digit settled.
        Assert.True(answers[2].GetProperty("exists").GetBoolean());
        Assert.Equal(brazilian.PnJid, answers[2].GetProperty("jid").GetString());
        Assert.True(answers[3].GetProperty("exists").GetBoolean());
        Assert.Equal(fixture.GroupJid, answers[3].GetProperty("jid").GetString());
        Assert.Equal("Send tests", answers[3].GetProperty("name").GetString());

        (status, body) = await Instance.PostAsync("/chat/whatsappNumbers", new { numbers = new[] { "x1" } });
        Assert.Equal(400, status);
        Assert.Equal("numbers[0]", body.GetProperty("message")[0].GetProperty("property").GetString());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not come true in time.");
            await Task.Delay(50, Ct);
        }
    }
}
