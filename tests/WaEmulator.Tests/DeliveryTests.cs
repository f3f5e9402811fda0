using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Socket;

namespace CodeChat.WaEmulator.Tests;

/// <summary>Store-and-forward semantics checked with strict raw clients (no Baileys): acks, redelivery, receipts.</summary>
public sealed class DeliveryTests
{
    [Fact]
    public async Task An_unacknowledged_message_is_redelivered_on_the_next_login_and_a_receipt_settles_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: ct);
        var alice = server.Emulator.CreateAccount(pushName: "Alice");
        var bob = server.Emulator.CreateAccount();
        var rawA = new RawDevice();
        var rawB = new RawDevice();
        var deviceA = await rawA.PairAsync(server, alice, ct);
        var deviceB = await rawB.PairAsync(server, bob, ct);
        var ciphertext = new byte[] { 1, 2, 3, 4, 5 };

        var a = await rawA.LoginAsync(server, ct);
        await ReadUntilAsync(a, n => n.Tag == "ib", ct);
        var b = await rawB.LoginAsync(server, ct);
        await ReadUntilAsync(b, n => n.Tag == "ib", ct);

        await RawDevice.SendAsync(a, Message("M1", bob.PnJid, deviceB.PnJid, ciphertext), ct);
        var ack = await ReadUntilAsync(a, n => n.Tag == "ack", ct);
        Assert.Equal("M1", ack.GetAttribute("id"));
        var first = await ReadUntilAsync(b, n => n.Tag == "message", ct);
        Assert.Equal(deviceA.PnJid, first.GetAttribute("from"));
        Assert.Equal(alice.LidJid, first.GetAttribute("sender_lid"));
        Assert.Equal("Alice", first.GetAttribute("notify"));
        Assert.Equal(ciphertext, first.GetRequiredChild("enc").Bytes!.Value.ToArray());
        Assert.Equal(1, server.Emulator.UnackedFor(deviceB));

        // bob's device goes away without acknowledging: the server must keep the message
        await b.DisposeAsync();
        await BaileysInteropTests.WaitUntilAsync(() => server.Emulator.QueuedFor(deviceB) == 1, ct);

        var again = await rawB.LoginAsync(server, ct);
        var redelivered = await ReadUntilAsync(again, n => n.Tag == "message", ct);
        Assert.Equal("M1", redelivered.GetAttribute("id"));
        Assert.Equal("1", redelivered.GetAttribute("offline"));
        var offline = await ReadUntilAsync(again, n => n.Tag == "ib", ct);
        Assert.Equal("1", offline.GetRequiredChild("offline").GetAttribute("count"));

        await RawDevice.SendAsync(again, new Node("receipt", NodeAttributes.Create([new("id", "M1"), new("to", deviceA.PnJid)])), ct);
        var receipt = await ReadUntilAsync(a, n => n.Tag == "receipt", ct);
        Assert.Equal(deviceB.PnJid, receipt.GetAttribute("from"));
        await BaileysInteropTests.WaitUntilAsync(() => server.Emulator.UnackedFor(deviceB) == 0, ct);
        Assert.Equal(0, server.Emulator.QueuedFor(deviceB));

        // a retry resend goes to one device with its <enc> directly under <message> (whatsapp-protocol.md §7.2)
        await RawDevice.SendAsync(
            a,
            new Node("message", NodeAttributes.Create([new("id", "M1"), new("to", deviceB.PnJid), new("type", "text"), new("device_fanout", "false")]),
                new Node("enc", NodeAttributes.Create([new("v", "2"), new("type", "pkmsg"), new("count", "1")]), ciphertext)),
            ct);
        var resent = await ReadUntilAsync(again, n => n.Tag == "message", ct);
        Assert.Equal(deviceA.PnJid, resent.GetAttribute("from"));
        Assert.Equal("pkmsg", resent.GetRequiredChild("enc").GetAttribute("type"));
        await again.DisposeAsync();
        await a.DisposeAsync();
    }

    private static Node Message(string id, string to, string deviceJid, byte[] ciphertext) =>
        new("message", NodeAttributes.Create([new("id", id), new("to", to), new("type", "text")]),
            new Node("participants", default,
                new Node("to", NodeAttributes.Create([new("jid", deviceJid)]),
                    new Node("enc", NodeAttributes.Create([new("v", "2"), new("type", "msg")]), ciphertext))));

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
