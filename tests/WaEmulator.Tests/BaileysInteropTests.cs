using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodeChat.Testing;

namespace CodeChat.WaEmulator.Tests;

/// <summary>Unmodified Baileys 7.0.0-rc14 clients against the emulator (emulator-notes-baileys7.md).</summary>
public sealed class BaileysInteropTests(BaileysInteropPackages packages)
{
    [Fact]
    public async Task Two_paired_Baileys_clients_exchange_text_both_ways()
    {
        Assert.NotNull(packages);
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await EmulatorFixture.StartAsync(ct);
        var alice = fixture.Emulator.CreateAccount();
        var bob = fixture.Emulator.CreateAccount();
        var peerA = await fixture.StartPeerAsync("alice", ct);
        var peerB = await fixture.StartPeerAsync("bob", ct);

        var deviceA = await fixture.PairAsync(peerA, alice, ct);
        var deviceB = await fixture.PairAsync(peerB, bob, ct);
        Assert.True(fixture.Emulator.IsOnline(deviceA));
        Assert.True(fixture.Emulator.IsOnline(deviceB));

        await peerA.SendTextAsync(bob.PnJid, "hello bob", ct);
        var atBob = await peerB.WaitForTextAsync("hello bob", cancellationToken: ct);
        Assert.Equal(alice.PnJid, atBob["from"]!.GetValue<string>());
        Assert.Equal("notify", atBob["type"]!.GetValue<string>());

        await peerB.SendTextAsync(alice.PnJid, "hi alice", ct);
        var atAlice = await peerA.WaitForTextAsync("hi alice", cancellationToken: ct);
        Assert.Equal(bob.PnJid, atAlice["from"]!.GetValue<string>());

        // the phones got their copies too, and dropped them: device 0 never decrypts
        Assert.Contains(fixture.Emulator.Journal, s => s.Direction == Protocol.StanzaDirection.Dropped && s.Tag == "message");
        // bob's receipt (his ack) went back to alice's device
        var messageId = atBob["id"]!.GetValue<string>();
        await WaitUntilAsync(
            () => fixture.Emulator.Journal.Any(s => s is { Direction: Protocol.StanzaDirection.ToClient, Tag: "receipt" } && s.Id == messageId && s.Device == deviceA.PnJid),
            ct);
    }

    [Fact]
    public async Task A_LID_addressed_chat_is_delivered_in_LID_form_with_the_sender_phone_number()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await EmulatorFixture.StartAsync(ct);
        var alice = fixture.Emulator.CreateAccount();
        var bob = fixture.Emulator.CreateAccount();
        var peerA = await fixture.StartPeerAsync("alice", ct);
        var peerB = await fixture.StartPeerAsync("bob", ct);
        await fixture.PairAsync(peerA, alice, ct);
        await fixture.PairAsync(peerB, bob, ct);

        await peerA.SendTextAsync(bob.LidJid, "hello by lid", ct);
        var atBob = await peerB.WaitForTextAsync("hello by lid", cancellationToken: ct);

        // emulator-notes-baileys7.md row 13: LID chat → from=LID, sender_pn → remoteJidAlt
        Assert.Equal(alice.LidJid, atBob["from"]!.GetValue<string>());
        Assert.Equal(alice.PnJid, atBob["fromAlt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Typing_reaches_the_other_side_and_a_presence_subscription_is_answered()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await EmulatorFixture.StartAsync(ct);
        var alice = fixture.Emulator.CreateAccount(pushName: "Alice");
        var bob = fixture.Emulator.CreateAccount();
        var peerA = await fixture.StartPeerAsync("alice", ct);
        var peerB = await fixture.StartPeerAsync("bob", ct);
        await fixture.PairAsync(peerA, alice, ct);
        await fixture.PairAsync(peerB, bob, ct);

        await peerA.CommandAsync("presence", new { type = "composing", to = bob.PnJid }, cancellationToken: ct);
        var typing = await peerB.WaitForEventAsync("presence", e => e["presence"]!.GetValue<string>() == "composing", cancellationToken: ct);
        Assert.Equal(alice.PnJid, typing["chat"]!.GetValue<string>());

        // alice has a push name (from pair-success biz name), so she can go available
        await peerA.CommandAsync("presence", new { type = "available", to = bob.PnJid }, cancellationToken: ct);
        await peerB.CommandAsync("subscribePresence", new { to = alice.PnJid }, cancellationToken: ct);
        var online = await peerB.WaitForEventAsync("presence", e => e["presence"]!.GetValue<string>() == "available", cancellationToken: ct);
        Assert.Equal(alice.PnJid, online["chat"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_device_paired_and_kicked_over_the_http_control_api_is_logged_out_for_good()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await EmulatorFixture.StartAsync(ct);
        using var http = new HttpClient { BaseAddress = fixture.Server.BaseUrl };
        var created = await (await http.PostAsJsonAsync("_emulator/accounts", new { phone = "4930123456" }, ct)).Content.ReadFromJsonAsync<JsonObject>(ct);
        var alice = fixture.Emulator.FindAccount(created!["phone"]!.GetValue<string>())!;
        var peer = await fixture.StartPeerAsync("alice", ct);

        // the same QR hand-off as in-process, through the HTTP control API
        await peer.ConnectAsync(ct);
        var qr = await peer.WaitForQrAsync(ct);
        var scanned = await http.PostAsJsonAsync("_emulator/scan", new { qr, phone = alice.Phone }, ct);
        Assert.Equal(HttpStatusCode.OK, scanned.StatusCode);
        await peer.WaitForEventAsync("restart", cancellationToken: ct);
        var me = await peer.WaitForOpenAsync(ct);
        var device = Assert.Single(alice.Devices);
        Assert.Equal(device.PnJid, me["id"]!.GetValue<string>());

        var kicked = await http.PostAsJsonAsync("_emulator/kick", new { phone = alice.Phone, device = device.DeviceId }, ct);
        Assert.Equal(HttpStatusCode.NoContent, kicked.StatusCode);

        var closed = await peer.WaitForEventAsync("close", cancellationToken: ct);
        Assert.Equal(401, closed["code"]!.GetValue<int>());
        Assert.Empty(alice.Devices);
        await peer.ConnectAsync(ct);
        var again = await peer.WaitForEventAsync("close", cancellationToken: ct);
        Assert.Equal(401, again["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Baileys_links_by_pairing_code_through_the_http_control_api_and_chats()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await EmulatorFixture.StartAsync(ct);
        using var http = new HttpClient { BaseAddress = fixture.Server.BaseUrl };
        var alice = fixture.Emulator.CreateAccount(pushName: "Alice");
        var bob = fixture.Emulator.CreateAccount();
        var peerA = await fixture.StartPeerAsync("alice", ct);
        var peerB = await fixture.StartPeerAsync("bob", ct);
        var deviceB = await fixture.PairAsync(peerB, bob, ct);

        await peerA.ConnectAsync(ct);
        var code = await peerA.RequestPairingCodeAsync(alice.Phone, ct);
        Assert.Matches("^[1-9A-HJ-NP-TV-Z]{8}$", code);
        // Baileys' requestPairingCode returns once its link_code_companion_reg iq is written, not when
        // the server has registered the code: poll the control API until the code is waiting.
        JsonArray? waiting = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((waiting = await (await http.GetAsync("_emulator/pairing-codes", ct)).Content.ReadFromJsonAsync<JsonArray>(ct)) is not { Count: > 0 }
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, ct);
        }
        Assert.Equal(alice.Phone, Assert.Single(waiting!)!["phone"]!.GetValue<string>());

        // a code for a number nobody linked is refused, and a malformed one too
        var nobody = await http.PostAsJsonAsync("_emulator/pairing-code", new { phone = bob.Phone, code }, ct);
        Assert.Equal(HttpStatusCode.BadRequest, nobody.StatusCode);
        var malformed = await http.PostAsJsonAsync("_emulator/pairing-code", new { phone = alice.Phone, code = "0000-0000" }, ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        var entered = await http.PostAsJsonAsync("_emulator/pairing-code", new { phone = alice.Phone, code }, ct);
        Assert.Equal(HttpStatusCode.OK, entered.StatusCode);
        await peerA.WaitForEventAsync("restart", cancellationToken: ct);
        var me = await peerA.WaitForOpenAsync(ct);
        var deviceA = Assert.Single(alice.Devices);
        Assert.Equal(deviceA.PnJid, me["id"]!.GetValue<string>());
        Assert.True(fixture.Emulator.IsOnline(deviceA));

        // the linked device really works: signal sessions with the other account both ways
        await peerA.SendTextAsync(bob.PnJid, "linked by code", ct);
        await peerB.WaitForTextAsync("linked by code", cancellationToken: ct);
        await peerB.SendTextAsync(alice.PnJid, "welcome", ct);
        await peerA.WaitForTextAsync("welcome", cancellationToken: ct);
        Assert.True(fixture.Emulator.IsOnline(deviceB));
    }

    [Fact]
    public async Task A_message_to_an_offline_device_is_delivered_on_its_next_login()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await EmulatorFixture.StartAsync(ct);
        var alice = fixture.Emulator.CreateAccount();
        var bob = fixture.Emulator.CreateAccount();
        var peerA = await fixture.StartPeerAsync("alice", ct);
        var peerB = await fixture.StartPeerAsync("bob", ct);
        await fixture.PairAsync(peerA, alice, ct);
        var deviceB = await fixture.PairAsync(peerB, bob, ct);

        await peerB.DisconnectAsync(ct);
        await peerB.WaitForEventAsync("close", cancellationToken: ct);
        await WaitUntilAsync(() => !fixture.Emulator.IsOnline(deviceB), ct);

        await peerA.SendTextAsync(bob.PnJid, "while you were away", ct);
        await WaitUntilAsync(() => fixture.Emulator.QueuedFor(deviceB) > 0, ct);

        await peerB.ConnectAsync(ct);
        await peerB.WaitForOpenAsync(ct);
        var delivered = await peerB.WaitForTextAsync("while you were away", cancellationToken: ct);
        // offline="1" deliveries surface as "append" in Baileys (emulator-notes.md §8)
        Assert.Equal("append", delivered["type"]!.GetValue<string>());
        Assert.Equal(0, fixture.Emulator.QueuedFor(deviceB));
    }

    [Fact]
    public async Task A_group_message_reaches_every_other_member()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await EmulatorFixture.StartAsync(ct);
        var alice = fixture.Emulator.CreateAccount();
        var bob = fixture.Emulator.CreateAccount();
        var carol = fixture.Emulator.CreateAccount();
        var peerA = await fixture.StartPeerAsync("alice", ct);
        var peerB = await fixture.StartPeerAsync("bob", ct);
        var peerC = await fixture.StartPeerAsync("carol", ct);
        await fixture.PairAsync(peerA, alice, ct);
        await fixture.PairAsync(peerB, bob, ct);
        await fixture.PairAsync(peerC, carol, ct);

        var created = await peerA.CommandAsync("groupCreate", new { subject = "team", participants = new[] { bob.PnJid, carol.PnJid } }, cancellationToken: ct);
        var gid = created["gid"]!.GetValue<string>();
        Assert.EndsWith("@g.us", gid);
        Assert.Equal(3, created["participants"]!.AsArray().Count);

        await peerA.CommandAsync("sendGroup", new { to = gid, text = "hello team" }, cancellationToken: ct);
        foreach (var member in new[] { peerB, peerC })
        {
            var received = await member.WaitForTextAsync("hello team", cancellationToken: ct);
            Assert.Equal(gid, received["from"]!.GetValue<string>());
            Assert.StartsWith(alice.Phone, received["participant"]!.GetValue<string>());
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met in time");
            }

            await Task.Delay(25, cancellationToken);
        }
    }
}
