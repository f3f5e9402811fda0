using CodeChat.Testing;
using CodeChat.WaEmulator.Protocol;
using CodeChat.WhatsApp.Client;

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
        await using var fixture = await EmulatorFixture.StartAsync(ct);
        var ours = fixture.Emulator.CreateAccount(pushName: "Gateway");
        var theirs = fixture.Emulator.CreateAccount(pushName: "Baileys");
        var (client, ourDevice) = await OurClientPeer.PairAsync(fixture.Server, ours, ct);
        await using var ourClient = client;
        var baileys = await fixture.StartPeerAsync("baileys", ct);
        await fixture.PairAsync(baileys, theirs, ct);

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
    }
}
