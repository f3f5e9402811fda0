using CodeChat.Testing;
using CodeChat.WaEmulator.Protocol;
using CodeChat.WhatsApp.Client;
using static CodeChat.WaEmulator.Tests.ClientTestSteps;

namespace CodeChat.WaEmulator.Tests;

/// <summary>
/// Our WaClient against unmodified Baileys 7 through the emulator (issue 9): the emulator only routes
/// ciphertext, so a message that decrypts proves our Signal sessions against libsignal-node.
/// </summary>
public sealed class WaClientMessagingTests(BaileysInteropPackages packages)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Text_goes_both_ways_between_our_client_and_Baileys(bool lidChat)
    {
        Assert.NotNull(packages);
        var ct = TestContext.Current.CancellationToken;
        await using var chat = await OneToOne.StartAsync(ct, ourPushName: "Gateway", theirPushName: "Baileys");
        var (fixture, ours, theirs, client, baileys) = (chat.Fixture, chat.Ours, chat.Theirs, chat.Client, chat.Baileys);
        var ourDevice = chat.OurDevice;

        // Baileys → us
        await baileys.SendTextAsync(lidChat ? ours.LidJid : ours.PnJid, "hello gateway", ct);
        var received = await client.NextStoredAsync(ct);
        Assert.Equal("hello gateway", received.Message.Conversation is { Length: > 0 } c ? c : received.Message.ExtendedTextMessage?.Text);
        Assert.Equal(theirs.PnJid, received.Source.SenderPhoneNumber?.ToString());
        Assert.Equal(theirs.LidJid, received.Source.SenderLid?.ToString());
        Assert.Equal(lidChat ? theirs.LidJid : theirs.PnJid, received.Chat.ToString());
        Assert.Equal("Baileys", received.PushName);
        Assert.False(received.Source.IsFromMe);
        // The receipt went out after the hook: Baileys sees its message delivered.
        await baileys.WaitForEventAsync("receipt", e => e["id"]!.GetValue<string>() == received.Id, cancellationToken: ct);

        // us → Baileys
        var sent = await client.SendTextAsync(lidChat ? theirs.LidJid : theirs.PnJid, "hello baileys", ct);
        var atBaileys = await baileys.WaitForTextAsync("hello baileys", cancellationToken: ct);
        Assert.Equal(sent.MessageId, atBaileys["id"]!.GetValue<string>());
        Assert.Equal(lidChat ? ours.LidJid : ours.PnJid, atBaileys["from"]!.GetValue<string>());
        // our own phone got its copy (own-device fan-out)
        Assert.Contains(fixture.Emulator.Journal, s => s is { Direction: StanzaDirection.Dropped, Tag: "message" } && s.Id == sent.MessageId && s.Device.StartsWith(lidChat ? ours.LidUser : ours.Phone, StringComparison.Ordinal));
        Assert.Contains(await client.WaitForEventAsync<ReceiptReceivedEvent>(ct, r => r.MessageIds.Contains(sent.MessageId)).ContinueWith(t => t.Result.MessageIds, ct), id => id == sent.MessageId);
        Assert.True(fixture.Emulator.IsOnline(ourDevice));
        // ...and could start decrypting it: our keys, our device's identity, the account's signature
        var phoneCopy = Assert.Single(ours.PrimaryPhone.Copies, c => c.Id == sent.MessageId);
        Assert.True(phoneCopy.OwnDevice);
        Assert.Null(phoneCopy.Rejection);
        Assert.Equal("pkmsg", phoneCopy.EncType);
    }

    [Fact]
    public async Task Two_hundred_messages_each_way_arrive_shuffled_and_all_decrypt()
    {
        const int count = 200;
        var ct = TestContext.Current.CancellationToken;
        await using var chat = await OneToOne.StartAsync(ct);
        var (fixture, ours, theirs, client, baileys) = (chat.Fixture, chat.Ours, chat.Theirs, chat.Client, chat.Baileys);
        var ourDevice = chat.OurDevice;
        var theirDevice = chat.TheirDevice;

        // Baileys → us, delivered in a shuffled order
        fixture.Emulator.HoldMessages(ourDevice);
        for (var i = 0; i < count; i++)
        {
            await baileys.SendTextAsync(ours.PnJid, $"in {i}", ct);
        }
        await WaitUntilAsync(() => fixture.Emulator.HeldMessagesFor(ourDevice) == count, ct);
        fixture.Emulator.ReleaseHeldMessages(ourDevice, seed: 9);
        var received = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            received.Add(TextOf(await client.NextStoredAsync(ct)) ?? "?");
        }
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"in {i}").ToHashSet(), received);

        // us → Baileys, delivered in a shuffled order
        fixture.Emulator.HoldMessages(theirDevice);
        for (var i = 0; i < count; i++)
        {
            await client.SendTextAsync(theirs.PnJid, $"out {i}", ct);
        }
        await WaitUntilAsync(() => fixture.Emulator.HeldMessagesFor(theirDevice) == count, ct);
        fixture.Emulator.ReleaseHeldMessages(theirDevice, seed: 11);
        for (var i = 0; i < count; i++)
        {
            await baileys.WaitForTextAsync($"out {i}", cancellationToken: ct);
        }
        Assert.All(ours.PrimaryPhone.Copies, c => Assert.Null(c.Rejection));
    }

    [Fact]
    public async Task A_restarted_client_on_the_same_store_continues_the_conversation()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var chat = await OneToOne.StartAsync(ct);
        var (fixture, ours, theirs, client, baileys) = (chat.Fixture, chat.Ours, chat.Theirs, chat.Client, chat.Baileys);

        await client.SendTextAsync(theirs.LidJid, "before restart", ct);
        await baileys.WaitForTextAsync("before restart", cancellationToken: ct);
        var replyId = await baileys.SendTextAsync(ours.LidJid, "reply before restart", ct);
        Assert.Equal("reply before restart", TextOf(await client.NextStoredAsync(ct)));
        // The receipt follows the hook; restarting before it left would (rightly) get the message
        // redelivered and asked for again, which is not what this test is about.
        await baileys.WaitForEventAsync("receipt", e => e["id"]!.GetValue<string>() == replyId, cancellationToken: ct);

        await client.RestartAsync(ct);

        await client.SendTextAsync(theirs.LidJid, "after restart", ct);
        await baileys.WaitForTextAsync("after restart", cancellationToken: ct);
        await baileys.SendTextAsync(ours.LidJid, "reply after restart", ct);
        Assert.Equal("reply after restart", TextOf(await client.NextStoredAsync(ct)));
        Assert.DoesNotContain(client.Events, e => e is MessageDecryptionFailedEvent);
    }

    [Fact]
    public async Task A_message_the_hook_could_not_store_is_not_confirmed_and_is_stored_when_redelivered()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var chat = await OneToOne.StartAsync(ct);
        var (fixture, ours, theirs, client, baileys) = (chat.Fixture, chat.Ours, chat.Theirs, chat.Client, chat.Baileys);
        var ourDevice = chat.OurDevice;
        var attempts = 0;
        client.StoreFailure = _ => Interlocked.Increment(ref attempts) == 1 ? new IOException("database down") : null;

        var id = await baileys.SendTextAsync(ours.PnJid, "keep me", ct);
        await WaitUntilAsync(() => Volatile.Read(ref attempts) == 1, ct);
        // Not confirmed: no receipt or ack reached the server. (Other stanzas may be in flight too: Baileys
        // issues us its privacy token after sending, and that notification is acked on its own.)
        Assert.True(fixture.Emulator.IsMessageUnacked(ourDevice, id));
        Assert.DoesNotContain(fixture.Emulator.Journal, s => s is { Direction: StanzaDirection.FromClient, Tag: "receipt" } && s.Id == id);

        // The server redelivers it on the next connection; this time it is stored, then confirmed.
        Assert.True(fixture.Emulator.DropConnection(ourDevice));
        var stored = await client.NextStoredAsync(ct);
        Assert.Equal(id, stored.Id);
        Assert.Equal("keep me", TextOf(stored));
        Assert.Equal(2, Volatile.Read(ref attempts));
        await baileys.WaitForEventAsync("receipt", e => e["id"]!.GetValue<string>() == id, cancellationToken: ct);
    }

    [Fact]
    public async Task After_Baileys_loses_its_session_its_retry_receipt_gets_the_message_resent_on_a_new_session()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var chat = await OneToOne.StartAsync(ct);
        var (fixture, ours, theirs, client, baileys) = (chat.Fixture, chat.Ours, chat.Theirs, chat.Client, chat.Baileys);
        var ourDevice = chat.OurDevice;
        await client.SendTextAsync(theirs.PnJid, "first", ct);
        await baileys.WaitForTextAsync("first", cancellationToken: ct);
        // Baileys answers, so our session is established and the next send is a plain msg.
        await baileys.SendTextAsync(ours.PnJid, "answer", ct);
        Assert.Equal("answer", TextOf(await client.NextStoredAsync(ct)));

        var wiped = await baileys.CommandAsync("wipeSessions", new { names = new[] { ours.LidUser + "_1" } }, cancellationToken: ct);
        Assert.True(wiped["deleted"]!.GetValue<int>() >= 1);
        var sent = await client.SendTextAsync(theirs.PnJid, "after the wipe", ct);

        // Baileys cannot decrypt it, asks again (with its keys on the second retry), and gets it.
        await baileys.WaitForTextAsync("after the wipe", cancellationToken: ct);
        Assert.Contains(fixture.Emulator.Journal, s => s is { Direction: StanzaDirection.ToClient, Tag: "receipt", Type: "retry" } && s.Id == sent.MessageId && s.Device == ourDevice.PnJid);
    }

    [Fact]
    public async Task A_contact_requiring_a_privacy_token_refuses_our_first_message_with_463_and_takes_it_with_the_token_it_issued_us()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var chat = await OneToOne.StartAsync(ct);
        var (fixture, ours, theirs, client, baileys) = (chat.Fixture, chat.Ours, chat.Theirs, chat.Client, chat.Baileys);
        theirs.RequiresPrivacyToken = true;

        // WhatsApp's reach-out restriction: a first message without their token is refused and reaches nobody.
        var refused = await Assert.ThrowsAsync<WaMessageRejectedException>(() => client.SendTextAsync(theirs.PnJid, "cold hello", ct));
        Assert.Equal(463, refused.Code);
        Assert.Contains("privacy token", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Emulator.Journal, s => s is { Direction: StanzaDirection.ToClient, Tag: "message" } && s.Id == refused.MessageId);

        // Baileys messages us and, as WhatsApp Web does after a 1:1 send, issues its token to us; the
        // server hands it to our device, which stores it (under their LID) before acking the notification.
        await baileys.SendTextAsync(ours.PnJid, "hi, write me", ct);
        Assert.Equal("hi, write me", TextOf(await client.NextStoredAsync(ct)));
        await WaitUntilAsync(() => fixture.Emulator.HasIssuedPrivacyToken(theirs, ours), ct);
        await WaitUntilAsync(async () => await client.Store.GetPrivacyTokenAsync(WhatsApp.Binary.Jid.Parse(theirs.LidJid), ct) is { Token.Length: > 0 }, ct);

        var sent = await client.SendTextAsync(theirs.PnJid, "now with your token", ct);
        var got = await baileys.WaitForTextAsync("now with your token", cancellationToken: ct);
        Assert.Equal(sent.MessageId, got["id"]!.GetValue<string>());

        // After that send we issued ours, once: Baileys stores it and attaches it, so its reply passes
        // our own restriction too.
        await WaitUntilAsync(() => fixture.Emulator.HasIssuedPrivacyToken(ours, theirs), ct);
        // We note the issuance once the server answered the IQ, a moment after the emulator recorded it.
        await WaitUntilAsync(async () => await client.Store.GetPrivacyTokenAsync(WhatsApp.Binary.Jid.Parse(theirs.LidJid), ct) is { IssuedToContactAt: not null }, ct);
        var issued = (await client.Store.GetPrivacyTokenAsync(WhatsApp.Binary.Jid.Parse(theirs.LidJid), ct))!.IssuedToContactAt;
        ours.RequiresPrivacyToken = true;
        await WaitUntilAsync(() => fixture.Emulator.Journal.Any(s => s is { Direction: StanzaDirection.ToClient, Tag: "notification", Type: "privacy_token" } && s.Device == chat.TheirDevice.PnJid), ct);
        await baileys.SendTextAsync(ours.PnJid, "replying with yours", ct);
        Assert.Equal("replying with yours", TextOf(await client.NextStoredAsync(ct)));
        await client.SendTextAsync(theirs.PnJid, "and again", ct);
        await baileys.WaitForTextAsync("and again", cancellationToken: ct);
        Assert.Equal(issued, (await client.Store.GetPrivacyTokenAsync(WhatsApp.Binary.Jid.Parse(theirs.LidJid), ct))!.IssuedToContactAt);
        Assert.Single(fixture.Emulator.Journal, s => s is { Direction: StanzaDirection.FromClient, Tag: "iq" } && s.Device == chat.OurDevice.PnJid && s.Summary.Contains("trusted_contact", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_contact_that_reinstalls_with_a_new_identity_is_accepted_reported_and_chats_on_both_ways()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var chat = await OneToOne.StartAsync(ct);
        var (ours, theirs, client, baileys) = (chat.Ours, chat.Theirs, chat.Client, chat.Baileys);
        await baileys.SendTextAsync(ours.LidJid, "before", ct);
        Assert.Equal("before", TextOf(await client.NextStoredAsync(ct)));
        await client.SendTextAsync(theirs.LidJid, "before, answered", ct);
        await baileys.WaitForTextAsync("before, answered", cancellationToken: ct);
        Assert.DoesNotContain(client.Events, e => e is IdentityChangedEvent);

        // Baileys gets a new identity key, signed prekey and registration id and forgets every session.
        await baileys.CommandAsync("reinstall", new { }, cancellationToken: ct);

        await baileys.SendTextAsync(ours.LidJid, "after reinstalling", ct);
        var after = await client.NextStoredAsync(ct);
        Assert.Equal("after reinstalling", TextOf(after));
        Assert.True(after.SenderIdentityChanged);
        var changed = await client.WaitForEventAsync<IdentityChangedEvent>(ct);
        Assert.Equal(theirs.LidUser, changed.Device.User);
        Assert.Equal(chat.TheirDevice.DeviceId, (int)changed.Device.Device);

        // Our answer goes out on the new session and decrypts at the reinstalled Baileys.
        var reply = await client.SendTextAsync(theirs.LidJid, "welcome back", ct);
        var atBaileys = await baileys.WaitForTextAsync("welcome back", cancellationToken: ct);
        Assert.Equal(reply.MessageId, atBaileys["id"]!.GetValue<string>());
        await baileys.SendTextAsync(ours.LidJid, "and again", ct);
        Assert.Equal("and again", TextOf(await client.NextStoredAsync(ct)));
        Assert.Single(client.Events, e => e is IdentityChangedEvent);
        Assert.DoesNotContain(client.Events, e => e is MessageDecryptionFailedEvent);
    }

    [Fact]
    public async Task Device_lists_are_cached_between_sends_and_a_new_companion_of_the_peer_joins_the_fan_out_from_its_notification()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var chat = await OneToOne.StartAsync(ct);
        var (fixture, theirs, client, baileys) = (chat.Fixture, chat.Theirs, chat.Client, chat.Baileys);
        var us = chat.OurDevice.PnJid;
        int Usyncs() => fixture.Emulator.Journal.Count(s =>
            s is { Direction: StanzaDirection.FromClient, Tag: "iq" } && s.Device == us && s.Summary.Contains("xmlns=\"usync\"", StringComparison.Ordinal));

        await client.SendTextAsync(theirs.LidJid, "first", ct);
        await baileys.WaitForTextAsync("first", cancellationToken: ct);
        var usyncsAfterFirst = Usyncs();
        Assert.True(usyncsAfterFirst >= 1);
        await client.SendTextAsync(theirs.LidJid, "second", ct);
        await baileys.WaitForTextAsync("second", cancellationToken: ct);
        Assert.Equal(usyncsAfterFirst, Usyncs());

        // The peer links a second companion; the emulator tells the accounts that fetched its list.
        var companion = await fixture.StartPeerAsync("companion", ct);
        var companionDevice = await fixture.PairAsync(companion, theirs, ct);
        string? notificationId = null;
        await WaitUntilAsync(() =>
        {
            notificationId = fixture.Emulator.Journal.LastOrDefault(s =>
                s is { Direction: StanzaDirection.ToClient, Tag: "notification", Type: "devices" } && s.Device == us && s.Summary.Contains("<add", StringComparison.Ordinal))?.Id;
            // Handled once acked: the client acks a notification after acting on it.
            return notificationId is not null
                && fixture.Emulator.Journal.Any(s => s is { Direction: StanzaDirection.FromClient, Tag: "ack" } && s.Device == us && s.Id == notificationId);
        }, ct);

        var third = await client.SendTextAsync(theirs.LidJid, "third", ct);
        Assert.Contains(third.Devices, d => d.User == theirs.LidUser && d.Device == companionDevice.DeviceId);
        var atCompanion = await companion.WaitForTextAsync("third", cancellationToken: ct);
        Assert.Equal(third.MessageId, atCompanion["id"]!.GetValue<string>());
        await baileys.WaitForTextAsync("third", cancellationToken: ct);
        Assert.Equal(usyncsAfterFirst, Usyncs());
    }

    /// <summary>An emulator, our client and one Baileys, both paired: the setup of every 1:1 test here.</summary>
    private sealed record OneToOne(
        EmulatorFixture Fixture,
        WaEmulator.Model.EmulatedAccount Ours,
        WaEmulator.Model.EmulatedAccount Theirs,
        OurClientPeer Client,
        WaEmulator.Model.LinkedDevice OurDevice,
        BaileysPeer Baileys,
        WaEmulator.Model.LinkedDevice TheirDevice) : IAsyncDisposable
    {
        public static async Task<OneToOne> StartAsync(CancellationToken ct, string? ourPushName = null, string? theirPushName = null)
        {
            var fixture = await EmulatorFixture.StartAsync(ct);
            try
            {
                var ours = fixture.Emulator.CreateAccount(pushName: ourPushName);
                var theirs = fixture.Emulator.CreateAccount(pushName: theirPushName);
                var (client, ourDevice) = await OurClientPeer.PairAsync(fixture.Server, ours, ct);
                try
                {
                    var baileys = await fixture.StartPeerAsync("baileys", ct);
                    var theirDevice = await fixture.PairAsync(baileys, theirs, ct);
                    return new OneToOne(fixture, ours, theirs, client, ourDevice, baileys, theirDevice);
                }
                catch
                {
                    await client.DisposeAsync();
                    throw;
                }
            }
            catch
            {
                await fixture.DisposeAsync();
                throw;
            }
        }

        // Our client first, then the emulator and the Baileys peers it started (the old order of the tests' own disposals).
        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Fixture.DisposeAsync();
        }
    }
}
