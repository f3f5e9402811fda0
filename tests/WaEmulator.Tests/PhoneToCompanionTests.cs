using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodeChat.Testing;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WaEmulator.Tests;

/// <summary>
/// The simulated phone sends to its own companions (what history sync and app-state key shares
/// travel on): Baileys 7 (libsignal-node) decrypting the phone's pkmsgs proves the phone's
/// Signal side independently of our codec; our client shows the stanza's shape end to end.
/// </summary>
public sealed class PhoneToCompanionTests(BaileysInteropPackages packages)
{
    [Fact]
    public async Task Baileys_decrypts_what_its_phone_sends_and_answers_with_peer_receipts()
    {
        Assert.NotNull(packages);
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await EmulatorFixture.StartAsync(ct);
        var account = fixture.Emulator.CreateAccount();
        var peer = await fixture.StartPeerAsync("companion", ct);
        var device = await fixture.PairAsync(peer, account, ct);

        var first = fixture.Emulator.SendFromPhone(device, new Message { Conversation = "first from the phone" });
        var second = fixture.Emulator.SendFromPhone(device, new Message { Conversation = "second from the phone" });

        // Baileys answers a decrypted peer stanza with peer_msg, one it cannot decrypt with retry
        await BaileysInteropTests.WaitUntilAsync(
            () => account.PrimaryPhone.ReceiptsFromCompanions.Count(r => r.Type == "peer_msg") == 2,
            ct,
            TimeSpan.FromSeconds(60));
        var receipts = account.PrimaryPhone.ReceiptsFromCompanions;
        Assert.Equal([first, second], receipts.Where(r => r.Type == "peer_msg").Select(r => r.Id));
        Assert.All(receipts, r => Assert.NotEqual("retry", r.Type));
        Assert.All(receipts, r => Assert.StartsWith(account.Phone, r.FromDevice, StringComparison.Ordinal));
        var sent = fixture.Emulator.Journal.Where(s => s.Tag == "message" && (s.Id == first || s.Id == second)).ToList();
        // libsignal keeps sending pkmsg until the peer answers on the session, and the phone never reads answers
        Assert.Equal(2, sent.Count(s => s.Summary.Contains("type=\"pkmsg\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Our_client_receives_its_phones_message_as_its_own_from_device_zero()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: ct);
        var account = server.Emulator.CreateAccount();
        var (client, device) = await OurClientPeer.PairAsync(server, account, ct);
        await using var _ = client;

        var id = server.Emulator.SendFromPhone(device, new Message { Conversation = "hello companion" });

        var stored = await client.NextStoredAsync(ct);
        Assert.Equal(id, stored.Id);
        Assert.Equal("hello companion", stored.Message.Conversation);
        Assert.True(stored.Source.IsFromMe);
        Assert.Equal(0, stored.SenderDevice);
        Assert.Equal(account.PnJid, stored.Sender.ToString());
        await BaileysInteropTests.WaitUntilAsync(() => account.PrimaryPhone.ReceiptsFromCompanions.Any(r => r.Id == id && r.Type == "peer_msg"), ct, TimeSpan.FromSeconds(60));
        Assert.Equal(0, server.Emulator.UnackedFor(device));
    }

    [Fact]
    public async Task The_control_api_sends_from_the_phone_and_lists_the_receipts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: ct);
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        var account = server.Emulator.CreateAccount();
        var (client, device) = await OurClientPeer.PairAsync(server, account, ct);
        await using var _ = client;

        var bytes = Convert.ToBase64String(new Message { Conversation = "as bytes" }.ToByteArray());
        var asBytes = await http.PostAsJsonAsync("_emulator/phone-send", new { phone = account.Phone, device = device.DeviceId, message = bytes }, ct);
        var asJson = await http.PostAsJsonAsync("_emulator/phone-send", new { phone = account.Phone, device = device.DeviceId, messageJson = new { conversation = "as json" } }, ct);
        var unknown = await http.PostAsJsonAsync("_emulator/phone-send", new { phone = account.Phone, device = 99, message = bytes }, ct);
        var empty = await http.PostAsJsonAsync("_emulator/phone-send", new { phone = account.Phone, device = device.DeviceId }, ct);

        Assert.Equal(HttpStatusCode.OK, asBytes.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asJson.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var ids = new[]
        {
            (await asBytes.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<string>(),
            (await asJson.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<string>(),
        };
        Assert.Equal("as bytes", (await client.NextStoredAsync(ct)).Message.Conversation);
        Assert.Equal("as json", (await client.NextStoredAsync(ct)).Message.Conversation);
        await BaileysInteropTests.WaitUntilAsync(() => account.PrimaryPhone.ReceiptsFromCompanions.Count(r => r.Type == "peer_msg") == 2, ct, TimeSpan.FromSeconds(60));
        var listed = await http.GetFromJsonAsync<JsonArray>($"_emulator/phone-receipts?phone={account.Phone}", ct);
        Assert.Equal(ids, listed!.Where(r => r!["type"]!.GetValue<string>() == "peer_msg").Select(r => r!["id"]!.GetValue<string>()));
    }
}
