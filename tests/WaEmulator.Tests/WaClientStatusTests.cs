using CodeChat.Testing;
using CodeChat.WaEmulator.Protocol;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;

namespace CodeChat.WaEmulator.Tests;

/// <summary>
/// Our WaClient posting a status to two unmodified Baileys 7 peers through the emulator: both decrypt
/// it from status@broadcast, and a peer that lost our session and sender key gets the next post
/// resent with our status sender key when it asks (retry receipt), as a group member would.
/// </summary>
public sealed class WaClientStatusTests(BaileysInteropPackages packages)
{
    [Fact]
    public async Task A_status_post_decrypts_at_the_listed_Baileys_peers_and_a_peer_that_lost_the_sender_key_gets_it_resent()
    {
        Assert.NotNull(packages);
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await EmulatorFixture.StartAsync(ct);
        var ours = fixture.Emulator.CreateAccount(pushName: "Gateway");
        var alice = fixture.Emulator.CreateAccount(pushName: "Alice");
        var bob = fixture.Emulator.CreateAccount(pushName: "Bob");
        var (client, ourDevice) = await OurClientPeer.PairAsync(fixture.Server, ours, ct);
        await using var _ = client;
        var peerA = await fixture.StartPeerAsync("alice", ct);
        var peerB = await fixture.StartPeerAsync("bob", ct);
        var aliceDevice = await fixture.PairAsync(peerA, alice, ct);
        var bobDevice = await fixture.PairAsync(peerB, bob, ct);
        Jid[] audience = [Jid.Parse(alice.PnJid), Jid.Parse(bob.PnJid)];

        var first = await client.Client.SendStatusAsync(Text("first post"), audience, messageId: null, ct);
        foreach (var peer in new[] { peerA, peerB })
        {
            var received = await peer.WaitForTextAsync("first post", cancellationToken: ct);
            Assert.Equal("status@broadcast", received["from"]!.GetValue<string>());
            Assert.Equal(first.MessageId, received["id"]!.GetValue<string>());
            Assert.StartsWith(ours.Phone, received["participant"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // Bob forgets our session and every status sender key: the next post is unreadable to him until
        // we answer his retry receipt with our sender key.
        await peerB.CommandAsync("wipeSessions", new { names = new[] { ours.LidUser + "_1" } }, cancellationToken: ct);
        var wiped = await peerB.CommandAsync("wipeSenderKeys", new { group = "status@broadcast" }, cancellationToken: ct);
        Assert.True(wiped["deleted"]!.GetValue<int>() >= 1);
        var second = await client.Client.SendStatusAsync(Text("second post"), audience, messageId: null, ct);
        await peerA.WaitForTextAsync("second post", cancellationToken: ct);
        var atBob = await peerB.WaitForTextAsync("second post", cancellationToken: ct);
        Assert.Equal("status@broadcast", atBob["from"]!.GetValue<string>());
        Assert.Contains(fixture.Emulator.Journal, s => s is { Direction: StanzaDirection.ToClient, Tag: "receipt", Type: "retry" } && s.Id == second.MessageId && s.Device == ourDevice.PnJid);
        Assert.Single(fixture.Emulator.Journal, s => s is { Direction: StanzaDirection.ToClient, Tag: "message" } && s.Id == second.MessageId && s.Device == aliceDevice.PnJid);
        Assert.True(fixture.Emulator.Journal.Count(s => s is { Direction: StanzaDirection.ToClient, Tag: "message" } && s.Id == second.MessageId && s.Device == bobDevice.PnJid) >= 2);

        // Both posts went under one sender key, one step apart.
        var posts = fixture.Emulator.StatusPosts.Where(p => p.Poster == ourDevice.PnJid).ToList();
        Assert.Equal(2, posts.Count);
        Assert.Equal(posts[0].SenderKeyId, posts[1].SenderKeyId);
        Assert.Equal(posts[0].Iteration + 1, posts[1].Iteration);
    }

    [Fact]
    public async Task A_post_naming_a_user_by_phone_number_and_by_LID_reaches_each_of_its_devices_once()
    {
        Assert.NotNull(packages);
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await EmulatorFixture.StartAsync(ct);
        var ours = fixture.Emulator.CreateAccount(pushName: "Gateway");
        var alice = fixture.Emulator.CreateAccount(pushName: "Alice");
        var (client, ourDevice) = await OurClientPeer.PairAsync(fixture.Server, ours, ct);
        await using var _ = client;
        var peerA = await fixture.StartPeerAsync("alice", ct);
        var aliceDevice = await fixture.PairAsync(peerA, alice, ct);

        var sent = await client.Client.SendStatusAsync(Text("named twice"), [Jid.Parse(alice.PnJid), Jid.Parse(alice.LidJid)], messageId: null, ct);

        var received = await peerA.WaitForTextAsync("named twice", cancellationToken: ct);
        Assert.Equal(sent.MessageId, received["id"]!.GetValue<string>());
        var post = Assert.Single(fixture.Emulator.StatusPosts, p => p.Id == sent.MessageId);
        // Each of Alice's devices (her phone, her Baileys) once, under the form named first.
        Assert.Equal(post.Listed.Count, post.Listed.Distinct().Count());
        Assert.Equal(2, post.Listed.Count(jid => jid.StartsWith(alice.Phone, StringComparison.Ordinal)));
        Assert.DoesNotContain(post.Listed, jid => jid.StartsWith(alice.LidUser, StringComparison.Ordinal));
        Assert.Single(fixture.Emulator.Journal, s => s is { Direction: StanzaDirection.ToClient, Tag: "message" } && s.Id == sent.MessageId && s.Device == aliceDevice.PnJid);
        Assert.DoesNotContain(post.Listed, jid => jid == ourDevice.PnJid);
    }

    private static Message Text(string text) => new() { ExtendedTextMessage = new ExtendedTextMessage { Text = text } };
}
