using CodeChat.WaEmulator;
using CodeChat.WaEmulator.Model;
using CodeChat.WaEmulator.Protocol;
using CodeChat.WhatsApp.Client;
using static CodeChat.WhatsApp.Tests.Client.ClientEvents;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Store;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// WaClient against the loopback WhatsApp emulator (tests/WaEmulator) over the real WebSocket and
/// Noise transport: QR pairing → 515 → login, prekey upload, device removal, replacement, reconnect.
/// </summary>
public sealed class EmulatorEndToEndTests : IAsyncLifetime
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
    public async Task Fresh_client_pairs_by_qr_restarts_and_logs_in()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryDeviceStore();
        await using var client = new WaClient(Options, store);
        var (account, device) = await PairAsync(client);

        var stored = (await store.LoadCredentialsAsync(ct))!;
        Assert.True(stored.IsPaired);
        Assert.Equal(device.PnJid, stored.Jid);
        Assert.Equal(device.LidJid, stored.Lid);
        Assert.True(_server.Emulator.IsOnline(device));
        Assert.Equal(account.Phone, client.Credentials!.GetJid()!.Value.User);
        // First login: the server had no prekeys, so the full initial batch goes up (§5.2).
        await WaitUntilAsync(async () => await store.CountUploadedPreKeysAsync(ct) == Options.InitialPreKeyUploadCount);
    }

    [Fact]
    public async Task Paired_client_logs_in_again_with_its_stored_credentials()
    {
        var store = new InMemoryDeviceStore();
        LinkedDevice device;
        await using (var first = new WaClient(Options, store))
        {
            (_, device) = await PairAsync(first);
        }

        await using var again = new WaClient(Options, store);
        await again.ConnectAsync(TestContext.Current.CancellationToken);
        var connected = await WaitForAsync<ConnectedEvent>(again);

        Assert.Equal(device.PnJid, connected.Jid.ToString());
        Assert.DoesNotContain(await DrainAsync(again, TimeSpan.FromMilliseconds(200)), e => e is QrCodeEvent);
    }

    [Fact]
    public async Task Device_removed_by_the_phone_wipes_the_credentials()
    {
        var store = new InMemoryDeviceStore();
        await using var client = new WaClient(Options, store);
        var (_, device) = await PairAsync(client);

        _server.Emulator.KickDevice(device);

        await WaitForAsync<LoggedOutEvent>(client);
        Assert.Null(await store.LoadCredentialsAsync(TestContext.Current.CancellationToken));
        Assert.Null(client.Credentials);
    }

    [Fact]
    public async Task Second_connection_with_the_same_credentials_replaces_the_first_without_ping_pong()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryDeviceStore();
        await using var first = new WaClient(Options, store);
        await PairAsync(first);

        var copy = new InMemoryDeviceStore();
        await copy.SaveCredentialsAsync((await store.LoadCredentialsAsync(ct))!, ct);
        await using var second = new WaClient(Options, copy);
        await second.ConnectAsync(ct);
        await WaitForAsync<ConnectedEvent>(second);

        var replaced = await WaitForAsync<DisconnectedEvent>(first, e => e.Reason == DisconnectReason.Replaced);
        Assert.False(replaced.WillReconnect);
        await Task.Delay(500, ct);
        Assert.DoesNotContain(await DrainAsync(first, TimeSpan.FromMilliseconds(200)), e => e is ConnectedEvent);
        Assert.True(second.IsLoggedIn);
    }

    [Fact]
    public async Task Dropped_socket_reconnects_and_logs_in_again()
    {
        await using var client = new WaClient(Options, new InMemoryDeviceStore());
        var (_, device) = await PairAsync(client);

        await _server.Emulator.DropAllConnectionsAsync();

        var lost = await WaitForAsync<DisconnectedEvent>(client);
        Assert.True(lost.WillReconnect);
        await WaitForAsync<ConnectedEvent>(client);
        Assert.True(_server.Emulator.IsOnline(device));
    }

    [Fact]
    public async Task Drained_prekeys_bring_an_encrypt_count_notification_and_the_client_refills()
    {
        var ct = TestContext.Current.CancellationToken;
        // Small batches keep the drain short; the threshold is whatsmeow's MinPreKeyCount = 5 (whatsapp-protocol.md §5.2).
        var options = Options with { InitialPreKeyUploadCount = 8, PreKeyRefillCount = 20 };
        var store = new InMemoryDeviceStore();
        await using var client = new WaClient(options, store);
        var (_, device) = await PairAsync(client);
        await WaitUntilAsync(() => Task.FromResult(_server.Emulator.OneTimePreKeyCount(device) == 8));

        // Other accounts fetching bundles consume one one-time prekey each: 8 → 4, below the threshold.
        for (var fetched = 0; fetched < 4; fetched++)
        {
            Assert.True(_server.Emulator.FetchPreKeyBundle(device));
        }

        var notice = await WaitForAsync<NodeReceivedEvent>(client, e => e.Node.Tag == "notification" && e.Node.GetAttribute("type") == "encrypt");
        Assert.Equal("s.whatsapp.net", notice.Node.GetAttribute("from"));
        Assert.Equal(4, notice.Node.GetRequiredChild("count").GetInt32("value"));
        await WaitUntilAsync(() => Task.FromResult(_server.Emulator.OneTimePreKeyCount(device) == 4 + 20));
        // The emulator counts the keys when the upload arrives; the client marks them uploaded only
        // after the server's result reaches it, a moment later.
        await WaitUntilAsync(async () => await store.CountUploadedPreKeysAsync(ct) == 8 + 20);
        // One notice per drop below the threshold, not one per fetched bundle.
        Assert.Single(_server.Emulator.Journal, e => e.Direction == StanzaDirection.ToClient && e.Tag == "notification" && e.Type == "encrypt");
    }

    private async Task<(EmulatedAccount Account, LinkedDevice Device)> PairAsync(WaClient client)
    {
        var ct = TestContext.Current.CancellationToken;
        var account = _server.Emulator.CreateAccount(pushName: "Alice");
        await client.ConnectAsync(ct);
        var qr = await WaitForAsync<QrCodeEvent>(client);
        Assert.Equal(1, qr.Count);

        var device = await _server.Emulator.ScanQrAsync(qr.Code, account, ct);

        var paired = await WaitForAsync<PairSuccessEvent>(client);
        Assert.Equal(device.PnJid, paired.Jid.ToString());
        var restart = await WaitForAsync<DisconnectedEvent>(client);
        Assert.Equal(DisconnectReason.RestartRequired, restart.Reason);
        var connected = await WaitForAsync<ConnectedEvent>(client);
        Assert.Equal(device.PnJid, connected.Jid.ToString());
        return (account, device);
    }



    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + EventTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail("Condition not reached in time.");
    }
}
