using CodeChat.Testing;
using CodeChat.WaEmulator.Protocol;
using CodeChat.WhatsApp.Client;
using static CodeChat.WaEmulator.Tests.ClientTestSteps;

namespace CodeChat.WaEmulator.Tests;

/// <summary>
/// Group messages between our WaClient and two unmodified Baileys 7 members through the emulator
/// (issues 9 and 17): sender keys, rotation after a removal, LID-addressed groups and retry receipts.
/// </summary>
public sealed class WaClientGroupMessagingTests(BaileysInteropPackages packages)
{
    [Fact]
    public async Task In_a_group_of_our_client_and_two_Baileys_every_member_decrypts_the_others_and_a_removed_member_cannot_decrypt_what_follows()
    {
        Assert.NotNull(packages);
        var ct = TestContext.Current.CancellationToken;
        await using var trio = await GroupOfThree.StartAsync("trio", lidAddressed: false, ct);
        var (fixture, alice, bob, client, peerA, peerB, group, ourDevice) = (trio.Fixture, trio.Alice, trio.Bob, trio.Client, trio.PeerA, trio.PeerB, trio.Group, trio.OurDevice);

        await peerA.CommandAsync("sendGroup", new { to = group, text = "from alice" }, cancellationToken: ct);
        await peerB.WaitForTextAsync("from alice", cancellationToken: ct);
        var atUs = await client.NextStoredAsync(ct);
        Assert.Equal("from alice", TextOf(atUs));
        Assert.Equal(group, atUs.Chat.ToString());
        Assert.True(atUs.Source.IsGroup);
        Assert.Equal(alice.PnJid, atUs.Source.SenderPhoneNumber?.ToString());

        var sent = await client.SendTextAsync(group, "from the gateway", ct);
        foreach (var peer in new[] { peerA, peerB })
        {
            var got = await peer.WaitForTextAsync("from the gateway", cancellationToken: ct);
            Assert.Equal(group, got["from"]!.GetValue<string>());
            Assert.Equal(sent.MessageId, got["id"]!.GetValue<string>());
        }

        await peerB.CommandAsync("sendGroup", new { to = group, text = "from bob" }, cancellationToken: ct);
        await peerA.WaitForTextAsync("from bob", cancellationToken: ct);
        Assert.Equal("from bob", TextOf(await client.NextStoredAsync(ct)));

        // Bob is removed: our sender key is dropped, and the next send distributes a new one to Alice
        // only. The emulator hands Bob a copy of that group message anyway (test-only eavesdropping:
        // the real server would not deliver it), and Baileys must fail to decrypt it.
        var ownName = new WhatsApp.Signal.Groups.SenderKeyName(WhatsApp.Binary.Jid.Parse(group), WhatsApp.Signal.SignalAddress.FromJid(WhatsApp.Binary.Jid.Parse(ourDevice.LidJid)));
        var keyBefore = (await client.Store.LoadSenderKeyAsync(ownName, ct))!.CurrentState!.KeyId;
        await peerA.CommandAsync("groupUpdateParticipants", new { jid = group, participants = new[] { bob.PnJid }, action = "remove" }, cancellationToken: ct);
        await WaitUntilAsync(async () => await client.Store.LoadSenderKeyAsync(ownName, ct) is null, ct);
        fixture.Emulator.EavesdropGroupMessages(group, bob);
        var afterRemoval = await client.SendTextAsync(group, "after bob left", ct);
        await peerA.WaitForTextAsync("after bob left", cancellationToken: ct);
        var atBob = await peerB.WaitForEventAsync(
            e => e["event"]?.GetValue<string>() == "message" && e["id"]?.GetValue<string>() == afterRemoval.MessageId,
            "Bob's copy of the message sent after his removal",
            cancellationToken: ct);
        Assert.Null(atBob["text"]);
        // WAMessageStubType.CIPHERTEXT: Baileys' decode-wa-message.js marks a message it could not decrypt.
        Assert.Equal(CiphertextStub, atBob["stub"]!.GetValue<int>());
        var failure = atBob["stubParameters"]!.AsArray().Select(p => p!.GetValue<string>()).FirstOrDefault();
        Assert.NotNull(failure);
        Assert.Contains("decrypt", failure, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(keyBefore, (await client.Store.LoadSenderKeyAsync(ownName, ct))!.CurrentState!.KeyId);
        Assert.DoesNotContain(client.Events, e => e is MessageDecryptionFailedEvent);
    }

    [Fact]
    public async Task In_a_LID_addressed_group_every_member_decrypts_the_others_and_senders_are_named_by_LID_with_their_phone_numbers()
    {
        Assert.NotNull(packages);
        var ct = TestContext.Current.CancellationToken;
        await using var trio = await GroupOfThree.StartAsync("lid trio", lidAddressed: true, ct);
        var (fixture, alice, bob, client, peerA, peerB, group) = (trio.Fixture, trio.Alice, trio.Bob, trio.Client, trio.PeerA, trio.PeerB, trio.Group);

        // Our metadata query reads the LID addressing: members by LID, phone numbers beside.
        var info = await client.Client.GetGroupAsync(WhatsApp.Binary.Jid.Parse(group), ct);
        Assert.All(info.Participants, p => Assert.True(p.Jid.IsLid, p.Jid.ToString()));
        Assert.Contains(info.Participants, p => p.Jid.ToString() == alice.LidJid && p.PhoneNumber?.ToString() == alice.PnJid);

        await peerA.CommandAsync("sendGroup", new { to = group, text = "from alice, by lid" }, cancellationToken: ct);
        await peerB.WaitForTextAsync("from alice, by lid", cancellationToken: ct);
        var atUs = await client.NextStoredAsync(ct);
        Assert.Equal("from alice, by lid", TextOf(atUs));
        Assert.Equal(group, atUs.Chat.ToString());
        Assert.True(atUs.Source.Sender.IsLid);
        Assert.Equal(alice.LidJid, atUs.Source.SenderLid?.ToString());
        Assert.Equal(alice.PnJid, atUs.Source.SenderPhoneNumber?.ToString());

        var sent = await client.SendTextAsync(group, "from the gateway, by lid", ct);
        foreach (var peer in new[] { peerA, peerB })
        {
            var got = await peer.WaitForTextAsync("from the gateway, by lid", cancellationToken: ct);
            Assert.Equal(group, got["from"]!.GetValue<string>());
            Assert.Equal(sent.MessageId, got["id"]!.GetValue<string>());
        }
        // Our fan-out addressed the members' devices by LID and said so.
        var ourStanza = Assert.Single(fixture.Emulator.Journal, s => s is { Direction: StanzaDirection.FromClient, Tag: "message" } && s.Id == sent.MessageId);
        Assert.Contains("addressing_mode=\"lid\"", ourStanza.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("@s.whatsapp.net", ourStanza.Summary, StringComparison.Ordinal);

        await peerB.CommandAsync("sendGroup", new { to = group, text = "from bob, by lid" }, cancellationToken: ct);
        await peerA.WaitForTextAsync("from bob, by lid", cancellationToken: ct);
        var fromBob = await client.NextStoredAsync(ct);
        Assert.Equal("from bob, by lid", TextOf(fromBob));
        Assert.Equal(bob.LidJid, fromBob.Source.SenderLid?.ToString());
        Assert.Equal(bob.PnJid, fromBob.Source.SenderPhoneNumber?.ToString());
        Assert.DoesNotContain(client.Events, e => e is MessageDecryptionFailedEvent);
    }

    [Fact]
    public async Task A_group_member_that_lost_our_session_and_sender_key_gets_the_message_resent_with_our_sender_key()
    {
        Assert.NotNull(packages);
        var ct = TestContext.Current.CancellationToken;
        await using var trio = await GroupOfThree.StartAsync("retries", lidAddressed: false, ct);
        var (fixture, ours, alice, bob, client, peerA, peerB, group, ourDevice, aliceDevice, bobDevice) = (trio.Fixture, trio.Ours, trio.Alice, trio.Bob, trio.Client, trio.PeerA, trio.PeerB, trio.Group, trio.OurDevice, trio.AliceDevice, trio.BobDevice);
        await client.SendTextAsync(group, "before the wipe", ct);
        await peerB.WaitForTextAsync("before the wipe", cancellationToken: ct);

        // Bob's Baileys forgets its session with us and our sender key: the next group message (sender key
        // message plus its 1:1 part) is unreadable to it until we answer its retry receipt.
        var sessions = await peerB.CommandAsync("wipeSessions", new { names = new[] { ours.LidUser + "_1" } }, cancellationToken: ct);
        Assert.True(sessions["deleted"]!.GetValue<int>() >= 1);
        var senderKeys = await peerB.CommandAsync("wipeSenderKeys", new { group }, cancellationToken: ct);
        Assert.True(senderKeys["deleted"]!.GetValue<int>() >= 1);
        var sent = await client.SendTextAsync(group, "after the wipe", ct);

        await peerA.WaitForTextAsync("after the wipe", cancellationToken: ct);
        var atBob = await peerB.WaitForTextAsync("after the wipe", cancellationToken: ct);
        Assert.Equal(group, atBob["from"]!.GetValue<string>());
        Assert.Equal(sent.MessageId, atBob["id"]!.GetValue<string>());
        Assert.Contains(fixture.Emulator.Journal, s => s is { Direction: StanzaDirection.ToClient, Tag: "receipt", Type: "retry" } && s.Id == sent.MessageId && s.Device == ourDevice.PnJid);
        // The fan-out copy and at least one resend reached Bob's device; Alice got hers once.
        Assert.True(fixture.Emulator.Journal.Count(s => s is { Direction: StanzaDirection.ToClient, Tag: "message" } && s.Id == sent.MessageId && s.Device == bobDevice.PnJid) >= 2);
        Assert.Single(fixture.Emulator.Journal, s => s is { Direction: StanzaDirection.ToClient, Tag: "message" } && s.Id == sent.MessageId && s.Device == aliceDevice.PnJid);

        // The resend carried our sender key: Bob reads the next group message without another retry.
        var next = await client.SendTextAsync(group, "and the next one", ct);
        await peerB.WaitForTextAsync("and the next one", cancellationToken: ct);
        Assert.DoesNotContain(fixture.Emulator.Journal, s => s is { Tag: "receipt", Type: "retry" } && s.Id == next.MessageId);
    }

    [Fact]
    public async Task A_member_removed_before_it_asked_for_a_resend_gets_nothing_from_us()
    {
        Assert.NotNull(packages);
        var ct = TestContext.Current.CancellationToken;
        await using var trio = await GroupOfThree.StartAsync("removed", lidAddressed: false, ct);
        var (fixture, ours, bob, client, peerA, peerB, group, ourDevice, bobDevice) = (trio.Fixture, trio.Ours, trio.Bob, trio.Client, trio.PeerA, trio.PeerB, trio.Group, trio.OurDevice, trio.BobDevice);
        await client.SendTextAsync(group, "before the wipe", ct);
        await peerB.WaitForTextAsync("before the wipe", cancellationToken: ct);

        // Bob's copy of the next message waits at the server while Bob loses our session and sender key,
        // so he cannot read it and asks for a resend only after Alice removed him.
        fixture.Emulator.HoldMessages(bobDevice);
        await peerB.CommandAsync("wipeSessions", new { names = new[] { ours.LidUser + "_1" } }, cancellationToken: ct);
        await peerB.CommandAsync("wipeSenderKeys", new { group }, cancellationToken: ct);
        var sent = await client.SendTextAsync(group, "while bob was still in", ct);
        await peerA.WaitForTextAsync("while bob was still in", cancellationToken: ct);
        var ownName = new WhatsApp.Signal.Groups.SenderKeyName(WhatsApp.Binary.Jid.Parse(group), WhatsApp.Signal.SignalAddress.FromJid(WhatsApp.Binary.Jid.Parse(ourDevice.LidJid)));
        await peerA.CommandAsync("groupUpdateParticipants", new { jid = group, participants = new[] { bob.PnJid }, action = "remove" }, cancellationToken: ct);
        await WaitUntilAsync(async () => await client.Store.LoadSenderKeyAsync(ownName, ct) is null, ct);
        fixture.Emulator.ReleaseHeldMessages(bobDevice, seed: 1);

        // The server passes Bob's retry receipt on (as WhatsApp's does); we ack it once handled, and by
        // then a resend would have left before the ack: there is none, so no sender key reached Bob.
        await WaitUntilAsync(() => fixture.Emulator.Journal.Any(s => s is { Direction: StanzaDirection.ToClient, Tag: "receipt", Type: "retry" } && s.Id == sent.MessageId && s.Device == ourDevice.PnJid), ct);
        await WaitUntilAsync(() => fixture.Emulator.Journal.Any(s => s is { Direction: StanzaDirection.FromClient, Tag: "ack", Type: "retry" } && s.Id == sent.MessageId && s.Device == ourDevice.PnJid), ct);
        Assert.Single(fixture.Emulator.Journal, s => s is { Direction: StanzaDirection.FromClient, Tag: "message" } && s.Id == sent.MessageId);
        Assert.Null(await client.Store.LoadSenderKeyAsync(ownName, ct));
    }

    /// <summary>An emulator, our client and two Baileys members (Alice created the group with Bob and us), all paired.</summary>
    private sealed record GroupOfThree(
        EmulatorFixture Fixture,
        WaEmulator.Model.EmulatedAccount Ours,
        WaEmulator.Model.EmulatedAccount Alice,
        WaEmulator.Model.EmulatedAccount Bob,
        OurClientPeer Client,
        WaEmulator.Model.LinkedDevice OurDevice,
        BaileysPeer PeerA,
        WaEmulator.Model.LinkedDevice AliceDevice,
        BaileysPeer PeerB,
        WaEmulator.Model.LinkedDevice BobDevice,
        string Group) : IAsyncDisposable
    {
        public static async Task<GroupOfThree> StartAsync(string subject, bool lidAddressed, CancellationToken ct)
        {
            var fixture = await EmulatorFixture.StartAsync(ct, new WaEmulatorOptions { LidAddressedGroups = lidAddressed });
            try
            {
                var ours = fixture.Emulator.CreateAccount(pushName: "Gateway");
                var alice = fixture.Emulator.CreateAccount(pushName: "Alice");
                var bob = fixture.Emulator.CreateAccount(pushName: "Bob");
                var (client, ourDevice) = await OurClientPeer.PairAsync(fixture.Server, ours, ct);
                try
                {
                    var peerA = await fixture.StartPeerAsync("alice", ct);
                    var peerB = await fixture.StartPeerAsync("bob", ct);
                    var aliceDevice = await fixture.PairAsync(peerA, alice, ct);
                    var bobDevice = await fixture.PairAsync(peerB, bob, ct);
                    var created = await peerA.CommandAsync("groupCreate", new { subject, participants = new[] { bob.PnJid, ours.PnJid } }, cancellationToken: ct);
                    return new GroupOfThree(fixture, ours, alice, bob, client, ourDevice, peerA, aliceDevice, peerB, bobDevice, created["gid"]!.GetValue<string>());
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

        // Our client first, then the emulator and the Baileys peers it started.
        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Fixture.DisposeAsync();
        }
    }
}
