using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Socket;

namespace CodeChat.WaEmulator.Tests;

/// <summary>
/// Status posts at the server, with strict raw clients: a post reaches only the devices it lists,
/// from status@broadcast with the poster as participant; a post that lists nobody or carries no skmsg
/// is refused with an error ack and delivered to nobody.
/// </summary>
public sealed class StatusRoutingTests
{
    [Fact]
    public async Task A_status_post_reaches_only_its_listed_devices_and_one_without_participants_or_skmsg_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: ct);
        var alice = server.Emulator.CreateAccount(pushName: "Alice");
        var bob = server.Emulator.CreateAccount();
        var carol = server.Emulator.CreateAccount();
        var rawA = new RawDevice();
        var rawB = new RawDevice();
        var rawC = new RawDevice();
        var deviceA = await rawA.PairAsync(server, alice, ct);
        var deviceB = await rawB.PairAsync(server, bob, ct);
        var deviceC = await rawC.PairAsync(server, carol, ct);
        var a = await rawA.LoginAsync(server, ct);
        await ReadUntilAsync(a, n => n.Tag == "ib", ct);
        var b = await rawB.LoginAsync(server, ct);
        await ReadUntilAsync(b, n => n.Tag == "ib", ct);
        var c = await rawC.LoginAsync(server, ct);
        await ReadUntilAsync(c, n => n.Tag == "ib", ct);
        byte[] skmsg = [0x33, 9, 8, 7];
        byte[] skdm = [1, 2, 3];

        // No <participants>: the server has nobody to route it to.
        await RawDevice.SendAsync(a, Post("S1", new Node("enc", NodeAttributes.Create([new("v", "2"), new("type", "skmsg")]), skmsg)), ct);
        var refused = await ReadUntilAsync(a, n => n.Tag == "ack" && n.GetAttribute("id") == "S1", ct);
        Assert.Equal("400", refused.GetAttribute("error"));

        // <participants> but no skmsg: refused too.
        await RawDevice.SendAsync(a, Post("S2", Participants(deviceB.PnJid, skdm)), ct);
        refused = await ReadUntilAsync(a, n => n.Tag == "ack" && n.GetAttribute("id") == "S2", ct);
        Assert.Equal("400", refused.GetAttribute("error"));

        // Listing Bob's device only: Bob gets his part and the skmsg, Carol nothing.
        await RawDevice.SendAsync(a, Post("S3", Participants(deviceB.PnJid, skdm), new Node("enc", NodeAttributes.Create([new("v", "2"), new("type", "skmsg")]), skmsg)), ct);
        var accepted = await ReadUntilAsync(a, n => n.Tag == "ack" && n.GetAttribute("id") == "S3", ct);
        Assert.Null(accepted.GetAttribute("error"));
        var atBob = await ReadUntilAsync(b, n => n.Tag == "message", ct);
        Assert.Equal("S3", atBob.GetAttribute("id"));
        Assert.Equal("status@broadcast", atBob.GetAttribute("from"));
        Assert.Equal(deviceA.PnJid, atBob.GetAttribute("participant"));
        Assert.Equal(["msg", "skmsg"], atBob.GetChildren("enc").Select(e => e.GetAttribute("type")));
        Assert.Equal(skmsg, atBob.GetChildren("enc").Last().Bytes!.Value.ToArray());

        var post = Assert.Single(server.Emulator.StatusPosts);
        Assert.Equal("S3", post.Id);
        Assert.Equal([deviceB.PnJid], post.Listed);
        Assert.Null(post.SenderKeyId);
        Assert.Equal(0, server.Emulator.UnackedFor(deviceC));
        Assert.Equal(0, server.Emulator.QueuedFor(deviceC));
        Assert.DoesNotContain(server.Emulator.Journal, s => s.Device == deviceC.PnJid && s.Tag == "message");
        await a.DisposeAsync();
        await b.DisposeAsync();
        await c.DisposeAsync();
    }

    private static Node Post(string id, params Node[] children) =>
        new("message", NodeAttributes.Create([new("id", id), new("to", "status@broadcast"), new("type", "text")]), children);

    private static Node Participants(string deviceJid, byte[] ciphertext) =>
        new("participants", default,
            new Node("to", NodeAttributes.Create([new("jid", deviceJid)]),
                new Node("enc", NodeAttributes.Create([new("v", "2"), new("type", "msg")]), ciphertext)));

    private static async Task<Node> ReadUntilAsync(NoiseSocket socket, Func<Node, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            var node = await RawDevice.ReadAsync(socket, cancellationToken);
            if (match(node))
            {
                return node;
            }
        }
    }
}
