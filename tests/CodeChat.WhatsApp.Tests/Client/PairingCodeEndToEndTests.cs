using CodeChat.WaEmulator;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Client;
using static CodeChat.WhatsApp.Tests.Client.ClientEvents;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Store;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// WaClient linking by phone number against the emulator's phone (whatsapp-protocol.md §4.4): companion_hello
/// → the user types the code on the phone → primary_hello → companion_finish → pair-success signed with
/// the derived adv secret → 515 → login. Also the devices notification the other companions get.
/// </summary>
public sealed class PairingCodeEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(30);
    private WaEmulatorServer _server = null!;

    public async ValueTask InitializeAsync() =>
        _server = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private WaClientOptions Options => new()
    {
        Url = _server.WebSocketUrl,
        TrustedRootPublicKey = Curve25519PublicKey.FromBytes(_server.Emulator.Certificates.RootPublicKey.Span),
        ReconnectBaseDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task Code_typed_on_the_phone_links_the_client_which_restarts_and_logs_in()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = _server.Emulator.CreateAccount(pushName: "Alice");
        var store = new InMemoryDeviceStore();
        await using var client = new WaClient(Options, store);
        await client.ConnectAsync(ct);
        var randomAdvSecret = client.Credentials!.AdvSecretKey.ToArray();

        var code = await client.RequestPairingCodeAsync("+" + account.Phone, ct);
        Assert.Matches("^[1-9A-HJ-NP-TV-Z]{8}$", code); // no dash, as Baileys returns it
        Assert.Equal(code, (await WaitForAsync<PairingCodeEvent>(client)).Code);
        var waiting = Assert.Single(_server.Emulator.PairingCodeRequests);
        Assert.Equal(account.Phone, waiting.Phone);

        // The user types what the companion shows, dash included, as on a real phone.
        var device = await _server.Emulator.EnterPairingCodeAsync(account, code, ct);

        var paired = await WaitForAsync<PairSuccessEvent>(client);
        Assert.Equal(device.PnJid, paired.Jid.ToString());
        var restart = await WaitForAsync<DisconnectedEvent>(client);
        Assert.Equal(DisconnectReason.RestartRequired, restart.Reason);
        var connected = await WaitForAsync<ConnectedEvent>(client);
        Assert.Equal(device.PnJid, connected.Jid.ToString());
        Assert.True(_server.Emulator.IsOnline(device));

        // The pair-success HMAC verified only because both sides derived the same new adv secret (§4.4 step 10).
        var stored = (await store.LoadCredentialsAsync(ct))!;
        Assert.True(stored.IsPaired);
        Assert.NotEqual(randomAdvSecret, stored.AdvSecretKey);
        Assert.Empty(_server.Emulator.PairingCodeRequests);
    }

    [Fact]
    public async Task Wrong_code_is_refused_by_the_phone_and_nothing_links()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = _server.Emulator.CreateAccount();
        var store = new InMemoryDeviceStore();
        await using var client = new WaClient(Options, store);
        await client.ConnectAsync(ct);
        var code = await client.RequestPairingCodeAsync(account.Phone, ct);

        var wrong = WrongCode(code);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => _server.Emulator.EnterPairingCodeAsync(account, wrong, ct));
        Assert.Contains("refused", refused.Message, StringComparison.Ordinal);

        var error = await WaitForAsync<PairErrorEvent>(client);
        Assert.Equal("pairing-code", error.Error);
        Assert.Empty(account.Devices);
        Assert.False((await store.LoadCredentialsAsync(ct))!.IsPaired);
        Assert.DoesNotContain(await DrainAsync(client, TimeSpan.FromMilliseconds(300)), e => e is PairSuccessEvent or ConnectedEvent);
    }

    [Fact]
    public async Task Code_for_a_number_nobody_asked_about_is_refused()
    {
        var account = _server.Emulator.CreateAccount();

        await Assert.ThrowsAsync<InvalidOperationException>(() => _server.Emulator.EnterPairingCodeAsync(account, "ABCD-EFGH", TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => _server.Emulator.EnterPairingCodeAsync(account, "not a code", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Online_companion_is_told_when_another_device_links_to_its_account()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = _server.Emulator.CreateAccount();
        await using var first = new WaClient(Options, new InMemoryDeviceStore());
        var firstDevice = await PairByCodeAsync(first, account);
        await using var second = new WaClient(Options, new InMemoryDeviceStore());

        var secondDevice = await PairByCodeAsync(second, account);

        var notification = (await WaitForAsync<NodeReceivedEvent>(first, e => e.Node.Tag == "notification" && e.Node.GetAttribute("type") == "devices")).Node;
        Assert.Equal(account.PnJid, notification.GetAttribute("from"));
        var added = notification.GetRequiredChild("add");
        Assert.StartsWith("2:", added.GetAttribute("device_hash"), StringComparison.Ordinal);
        var announced = added.GetRequiredChild("device");
        Assert.Equal(secondDevice.PnJid, announced.GetAttribute("jid"));
        Assert.Equal(secondDevice.KeyIndex, announced.GetInt32("key-index"));
        Assert.NotEqual(firstDevice.DeviceId, secondDevice.DeviceId);
        // acked by the client, so nothing waits for redelivery
        await WaitUntilAsync(() => _server.Emulator.UnackedFor(firstDevice) == 0);
    }

    private async Task<LinkedDevice> PairByCodeAsync(WaClient client, EmulatedAccount account)
    {
        var ct = TestContext.Current.CancellationToken;
        await client.ConnectAsync(ct);
        var code = await client.RequestPairingCodeAsync(account.Phone, ct);
        var device = await _server.Emulator.EnterPairingCodeAsync(account, code, ct);
        await WaitForAsync<ConnectedEvent>(client);
        return device;
    }

    /// <summary>The same code with its last character changed to another one of the alphabet.</summary>
    private static string WrongCode(string code)
    {
        var last = code[^1];
        return code[..^1] + (last == 'Z' ? 'Y' : 'Z');
    }



    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + EventTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail("Condition not reached in time.");
    }
}
