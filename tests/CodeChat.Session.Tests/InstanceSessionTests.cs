using System.Diagnostics;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Testing;
using CodeChat.WaEmulator.Model;

namespace CodeChat.Session.Tests;

/// <summary>
/// The instance's WhatsApp session end to end: REST routes → InstanceGrain → WaClient → the emulator,
/// on real PostgreSQL, through the real silo host.
/// </summary>
public sealed class InstanceSessionTests(PostgresServerFixture postgres, EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewName() => "inst-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<SessionHost> StartHostAsync(string? connectionString = null, TimeSpan? qrTimeout = null, Uri? endpoint = null) =>
        new(connectionString ?? await postgres.CreateDatabaseAsync(Ct), emulator.Server, qrTimeout, endpoint);

    /// <summary>create → connect → QR → the emulator's phone scans it → open.</summary>
    private async Task<(string Name, EmulatedAccount Account, LinkedDevice Device, string Code)> PairAsync(SessionHost host)
    {
        var name = NewName();
        await host.CreateInstanceAsync(name);
        var (status, qr) = await host.ConnectForQrAsync(name);
        Assert.Equal(200, status);
        var code = qr.GetProperty("code").GetString()!;
        var account = emulator.Emulator.CreateAccount();
        var device = await emulator.Emulator.ScanQrAsync(code, account, Ct);
        Assert.Equal(200, await host.WaitForStateAsync(name, "open"));
        return (name, account, device, code);
    }

    [Fact]
    public async Task Connect_returns_a_scannable_qr_and_a_scan_opens_the_session()
    {
        await using var host = await StartHostAsync();
        var name = NewName();
        await host.CreateInstanceAsync(name);
        Assert.Equal(("close", 400), await host.ConnectionStateAsync(name));

        var (status, qr) = await host.ConnectForQrAsync(name);

        // codechat-api.md §3: {count, code, base64}; base64 is a PNG data URL of the same code.
        Assert.Equal(200, status);
        Assert.Equal(1, qr.GetProperty("count").GetInt32());
        var code = qr.GetProperty("code").GetString()!;
        Assert.Equal(code, QrImage.Decode(qr.GetProperty("base64").GetString()!));
        Assert.Equal("connecting", (await host.ConnectionStateAsync(name)).State);

        var (againStatus, again) = await host.GetAsync($"/instance/connect/{name}");
        Assert.Equal(200, againStatus);
        Assert.Equal(code, again.GetProperty("code").GetString());

        var account = emulator.Emulator.CreateAccount();
        var device = await emulator.Emulator.ScanQrAsync(code, account, Ct);

        Assert.Equal(200, await host.WaitForStateAsync(name, "open"));
        Assert.True(emulator.Emulator.IsOnline(device));
        Assert.True(await host.HasCredentialsAsync(name));
        var (_, fetched) = await host.GetAsync($"/instance/fetchInstance/{name}");
        Assert.Equal("ONLINE", fetched.GetProperty("connectionStatus").GetString());
        Assert.Equal(account.PnJid, fetched.GetProperty("ownerJid").GetString());
        Assert.Equal("open", fetched.GetProperty("Whatsapp").GetProperty("connection").GetProperty("state").GetString());

        var (openStatus, openBody) = await host.GetAsync($"/instance/connect/{name}");
        Assert.Equal(400, openStatus);
        Assert.Equal("Instance already connected", openBody.GetProperty("message")[0].GetString());

        // The outbox (api-contract.md §3): connecting, the QR, then open — in sequence order.
        var events = await host.EventsAsync(name);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        var first = events[0];
        Assert.Equal(InstanceEventNames.ConnectionUpdate, first.Event);
        Assert.Equal($$"""{"instance":"{{name}}","state":"connecting","statusReason":200}""", first.DataJson);
        var qrEvent = Assert.Single(events, e => e.Event == InstanceEventNames.QrCodeUpdated);
        using (var data = JsonDocument.Parse(qrEvent.DataJson))
        {
            Assert.Equal(name, data.RootElement.GetProperty("name").GetString());
            Assert.Equal(1, data.RootElement.GetProperty("count").GetInt32());
            Assert.Equal(code, data.RootElement.GetProperty("qrcode").GetProperty("code").GetString());
            Assert.Equal(code, QrImage.Decode(data.RootElement.GetProperty("qrcode").GetProperty("base64").GetString()!));
        }
        var last = events[^1];
        Assert.Equal($$"""{"instance":"{{name}}","state":"open","statusReason":200}""", last.DataJson);
        Assert.Equal(account.PnJid, last.OwnerJid);
    }

    [Fact]
    public async Task Pairing_code_route_gives_a_code_the_phone_accepts_and_the_session_opens()
    {
        await using var host = await StartHostAsync();
        var name = NewName();
        await host.CreateInstanceAsync(name);
        var account = emulator.Emulator.CreateAccount();

        var (status, body) = await host.GetAsync($"/instance/connect/{name}/code/{account.Phone}");

        Assert.Equal(200, status);
        var code = body.GetProperty("code").GetString()!;
        // api-contract.md §6: 8 characters without a dash, as Baileys and CodeChat 1.3 return it.
        Assert.Matches("^[1-9A-HJ-NP-TV-Z]{8}$", code);
        Assert.Equal(account.Phone, Assert.Single(emulator.Emulator.PairingCodeRequests, r => r.Phone == account.Phone).Phone);
        // While connecting, connect ?number= shows the same code in the QR object (CodeChat's paringCode too).
        var (againStatus, again) = await host.GetAsync($"/instance/connect/{name}?number={account.Phone}");
        Assert.Equal(200, againStatus);
        Assert.Equal(code, again.GetProperty("paringCode").GetString());

        // The user types the code on the phone: companion_finish, pair-success, 515, login.
        var device = await emulator.Emulator.EnterPairingCodeAsync(account, code, Ct);

        Assert.Equal(200, await host.WaitForStateAsync(name, "open"));
        Assert.True(emulator.Emulator.IsOnline(device));
    }

    [Fact]
    public async Task A_restarted_host_reconnects_the_instance_without_a_new_qr()
    {
        var database = await postgres.CreateDatabaseAsync(Ct);
        string name;
        LinkedDevice device;
        int qrEventsBefore;
        await using (var host = await StartHostAsync(database))
        {
            (name, _, device, _) = await PairAsync(host);
            qrEventsBefore = (await host.EventsAsync(name)).Count(e => e.Event == InstanceEventNames.QrCodeUpdated);
        }

        await using var restarted = await StartHostAsync(database);

        // Nobody calls connect: the silo's start-up resumes every instance wanted connected.
        Assert.Equal(200, await restarted.WaitForStateAsync(name, "open"));
        Assert.True(emulator.Emulator.IsOnline(device));
        var events = await restarted.EventsAsync(name);
        Assert.Equal(qrEventsBefore, events.Count(e => e.Event == InstanceEventNames.QrCodeUpdated));
        Assert.Equal("open", JsonDocument.Parse(events[^1].DataJson).RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_dropped_connection_reconnects_by_itself()
    {
        await using var host = await StartHostAsync();
        var (name, _, device, _) = await PairAsync(host);
        var before = (await host.EventsAsync(name)).Count;

        await emulator.Emulator.DropAllConnectionsAsync();

        // close with Baileys' "lost" reason, then connecting, then open again: all without a QR.
        await WaitUntilAsync(async () =>
            (await host.EventsAsync(name)).Skip(before).Any(e => e.DataJson.Contains("\"state\":\"open\"", StringComparison.Ordinal)));
        var after = (await host.EventsAsync(name)).Skip(before).ToList();
        Assert.Contains(after, e => e.DataJson.Contains("\"state\":\"close\",\"statusReason\":408", StringComparison.Ordinal));
        Assert.DoesNotContain(after, e => e.Event == InstanceEventNames.QrCodeUpdated);
        Assert.Equal(200, await host.WaitForStateAsync(name, "open"));
        Assert.True(emulator.Emulator.IsOnline(device));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Corrupt_frames_from_the_server_end_only_that_connection_and_the_instance_reconnects(bool wellFramed)
    {
        await using var relay = await WebSocketRelay.StartAsync(emulator.Server.WebSocketUrl);
        await using var host = await StartHostAsync(endpoint: relay.Url);
        var (name, _, device, _) = await PairAsync(host);
        var before = (await host.EventsAsync(name)).Count;
        var clock = Stopwatch.StartNew();

        // Well framed: random ciphertext that cannot decrypt. Not framed: a length prefix promising
        // megabytes that never come, which used to leave the client deaf until the 3-minute keepalive limit.
        await (wellFramed ? relay.SendCorruptFrameToClientsAsync() : relay.SendGarbageToClientsAsync());

        await WaitUntilAsync(async () =>
            (await host.EventsAsync(name)).Skip(before).Any(e => e.DataJson.Contains("\"state\":\"open\"", StringComparison.Ordinal)));
        // Back within a few seconds: the socket's 5 s stall limit plus the first back-off step, plus a busy machine.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        var after = (await host.EventsAsync(name)).Skip(before).ToList();
        // close with Baileys' timed-out reason (the connection was lost), then connecting, then open.
        Assert.Contains(after, e => e.DataJson.Contains("\"state\":\"close\",\"statusReason\":408", StringComparison.Ordinal));
        Assert.DoesNotContain(after, e => e.Event == InstanceEventNames.QrCodeUpdated);
        Assert.Equal(200, await host.WaitForStateAsync(name, "open"));
        Assert.True(emulator.Emulator.IsOnline(device));
        // The silo kept serving throughout.
        Assert.Equal(200, (await host.GetAsync("/health/ready")).Status);
    }

    [Fact]
    public async Task Removing_the_device_on_the_phone_closes_with_401_wipes_keys_and_connect_gives_a_new_qr()
    {
        await using var host = await StartHostAsync();
        var (name, _, device, firstCode) = await PairAsync(host);

        emulator.Emulator.KickDevice(device);

        Assert.Equal(401, await host.WaitForStateAsync(name, "close"));
        Assert.False(await host.HasCredentialsAsync(name));
        var (_, fetched) = await host.GetAsync($"/instance/fetchInstance/{name}");
        Assert.Equal("OFFLINE", fetched.GetProperty("connectionStatus").GetString());

        var (status, qr) = await host.ConnectForQrAsync(name);
        Assert.Equal(200, status);
        var code = qr.GetProperty("code").GetString()!;
        Assert.NotEqual(firstCode, code);
        Assert.Equal(code, QrImage.Decode(qr.GetProperty("base64").GetString()!));
    }

    [Fact]
    public async Task A_replaced_connection_closes_with_440_does_not_reconnect_and_keeps_the_keys()
    {
        await using var host = await StartHostAsync();
        var (name, _, device, _) = await PairAsync(host);
        var before = (await host.EventsAsync(name)).Count;

        // Another connection logged in with these credentials (pitfall P18): reconnecting would fight it.
        Assert.True(emulator.Emulator.ReplaceConnection(device));

        Assert.Equal(440, await host.WaitForStateAsync(name, "close"));
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        Assert.Equal(("close", 440), await host.ConnectionStateAsync(name));
        Assert.False(emulator.Emulator.IsOnline(device));
        var after = (await host.EventsAsync(name)).Skip(before).ToList();
        var update = Assert.Single(after);
        Assert.Equal(InstanceEventNames.ConnectionUpdate, update.Event);
        Assert.Equal($$"""{"instance":"{{name}}","state":"close","statusReason":440}""", update.DataJson);
        Assert.True(await host.HasCredentialsAsync(name));

        // Connecting again resumes the linked device: no QR.
        var (status, _) = await host.GetAsync($"/instance/connect/{name}");
        Assert.Equal(200, status);
        Assert.Equal(200, await host.WaitForStateAsync(name, "open"));
        Assert.True(emulator.Emulator.IsOnline(device));
        Assert.DoesNotContain((await host.EventsAsync(name)).Skip(before), e => e.Event == InstanceEventNames.QrCodeUpdated);
    }

    [Fact]
    public async Task Logout_with_the_socket_down_still_unlinks_the_device_on_the_server()
    {
        await using var host = await StartHostAsync();
        var (name, account, device, _) = await PairAsync(host);
        Assert.True(emulator.Emulator.ReplaceConnection(device));
        Assert.Equal(440, await host.WaitForStateAsync(name, "close"));
        Assert.Contains(account.Devices, d => d.DeviceId == device.DeviceId);

        var (status, body) = await host.SendAsync(HttpMethod.Delete, $"/instance/logout/{name}");

        Assert.Equal(200, status);
        Assert.Equal("Instance logged out", body.GetProperty("message").GetString());
        // It connected just long enough to send remove-companion-device.
        Assert.DoesNotContain(account.Devices, d => d.DeviceId == device.DeviceId);
        Assert.False(emulator.Emulator.IsOnline(device));
        Assert.False(await host.HasCredentialsAsync(name));
        Assert.Equal(("close", 401), await host.ConnectionStateAsync(name));
        // The brief connection is not reported as "open": the last event is the logout's close.
        var events = await host.EventsAsync(name);
        Assert.Equal($$"""{"instance":"{{name}}","state":"close","statusReason":401}""", events[^1].DataJson);
        Assert.Single(events, e => e.DataJson.Contains("\"state\":\"open\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logout_unlinks_the_device_wipes_its_keys_and_stops_reconnecting()
    {
        await using var host = await StartHostAsync();
        var (name, account, device, _) = await PairAsync(host);

        var (status, body) = await host.SendAsync(HttpMethod.Delete, $"/instance/logout/{name}");

        Assert.Equal(200, status);
        Assert.False(body.GetProperty("error").GetBoolean());
        Assert.Equal("Instance logged out", body.GetProperty("message").GetString());
        Assert.Equal(("close", 401), await host.ConnectionStateAsync(name));
        Assert.False(await host.HasCredentialsAsync(name));
        // The remove-companion-device iq reached the server: the phone no longer lists the device.
        Assert.DoesNotContain(account.Devices, d => d.DeviceId == device.DeviceId);
        Assert.Equal($$"""{"instance":"{{name}}","state":"close","statusReason":401}""", (await host.EventsAsync(name))[^1].DataJson);

        Assert.Equal(404, (await host.SendAsync(HttpMethod.Delete, "/instance/logout/no-such-instance")).Status);
    }

    [Fact]
    public async Task Deleting_a_connected_instance_needs_force_which_logs_out_first()
    {
        await using var host = await StartHostAsync();
        var (name, account, device, _) = await PairAsync(host);

        var (refusedStatus, refused) = await host.SendAsync(HttpMethod.Delete, $"/instance/delete/{name}");
        Assert.Equal(400, refusedStatus);
        Assert.Equal("The instance needs to be disconnected", refused.GetProperty("message")[0][1].GetString());

        var (status, deleted) = await host.SendAsync(HttpMethod.Delete, $"/instance/delete/{name}?force=true");
        Assert.Equal(200, status);
        Assert.Equal(name, deleted.GetProperty("name").GetString());
        Assert.False(await host.HasCredentialsAsync(name));
        Assert.DoesNotContain(account.Devices, d => d.DeviceId == device.DeviceId);
        Assert.Equal(404, (await host.GetAsync($"/instance/connectionState/{name}")).Status);
    }

    [Fact]
    public async Task An_unscanned_qr_run_ends_refused_and_leaves_nothing_running()
    {
        await using var host = await StartHostAsync(qrTimeout: TimeSpan.FromMilliseconds(400));
        var name = NewName();
        await host.CreateInstanceAsync(name);
        Assert.Equal(200, (await host.GetAsync($"/instance/connect/{name}")).Status);

        // codechat-api.md §8: QR limit reached → refused (428).
        Assert.Equal(428, await host.WaitForStateAsync(name, "refused"));
        var settled = (await host.EventsAsync(name)).Count;
        Assert.Equal($$"""{"instance":"{{name}}","state":"refused","statusReason":428}""", (await host.EventsAsync(name))[^1].DataJson);
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.Equal(settled, (await host.EventsAsync(name)).Count);

        // As CodeChat: the next connect reports the refusal, the one after starts over with a QR.
        var (status, refused) = await host.GetAsync($"/instance/connect/{name}");
        Assert.Equal(200, status);
        Assert.Equal("refused", refused.GetProperty("state").GetString());
        var (_, qr) = await host.ConnectForQrAsync(name);
        Assert.True(qr.TryGetProperty("code", out _));
    }

    [Fact]
    public async Task A_second_activation_leaves_a_live_session_to_the_first()
    {
        // Two clusters on one database stand for a split brain (or a duplicate activation): both can
        // activate the instance. The first runs the open session and holds its lease; the second, started
        // later, resumes nothing while that lease is live, so WhatsApp never sees a second socket.
        var database = await postgres.CreateDatabaseAsync(Ct);
        await using var relay = await WebSocketRelay.StartAsync(emulator.Server.WebSocketUrl);
        await using var first = await StartHostAsync(database);
        var (name, _, device, _) = await PairAsync(first);
        var before = (await first.EventsAsync(name)).Count;

        await using var second = await StartHostAsync(database, endpoint: relay.Url);
        // Activates the instance in the second cluster; its resume decision is made before this answers.
        Assert.Equal(("open", 200), await second.ConnectionStateAsync(name));
        // Room for a wrong dial to show: the second cluster's client would go through the relay.
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);

        Assert.Equal(0, relay.Requests);
        Assert.Equal(before, (await first.EventsAsync(name)).Count);
        Assert.True(emulator.Emulator.IsOnline(device));
        Assert.Equal(("open", 200), await first.ConnectionStateAsync(name));
    }

    [Fact]
    public async Task A_stale_activation_waiting_to_reconnect_does_not_take_the_session_back()
    {
        // The older activation's socket is down and its next reconnect lies in the back-off when the
        // newer one takes over; nothing reaches the older grain in between. Its reconnect must ask
        // its grain first (a fenced write, which fails) instead of replacing the live connection (440).
        var database = await postgres.CreateDatabaseAsync(Ct);
        await using var relay = await WebSocketRelay.StartAsync(emulator.Server.WebSocketUrl);
        await using var first = await StartHostAsync(database, endpoint: relay.Url);
        var (name, _, device, _) = await PairAsync(first);

        relay.Refusing = true;
        var requestsBefore = relay.Requests;
        relay.AbortClients();
        // Back-off 1, 2, 4, 8, 16 s (±20 %): after the fifth refused attempt the next one is 26–38 s
        // away, time enough for the newer activation to start and take over.
        await WaitUntilAsync(() => Task.FromResult(relay.Requests >= requestsBefore + 5), TimeSpan.FromSeconds(60));
        var nextAttemptLatest = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        Assert.Equal(("connecting", 408), await first.ConnectionStateAsync(name));

        await using var second = await StartHostAsync(database);
        Assert.Equal(200, await second.WaitForStateAsync(name, "open"));
        var before = (await second.EventsAsync(name)).Count;
        var requestsAtTakeover = relay.Requests;
        relay.Refusing = false;

        // Past the older client's next reconnect time.
        var untilThen = nextAttemptLatest - DateTime.UtcNow;
        if (untilThen > TimeSpan.Zero)
            await Task.Delay(untilThen, Ct);

        Assert.Equal(requestsAtTakeover, relay.Requests);

        // The older cluster activates the instance again (as its watchdog reminder would, a minute on):
        // the newer session holds the lease, so that activation must not dial either.
        await first.ConnectionStateAsync(name);
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);

        Assert.Equal(requestsAtTakeover, relay.Requests);
        var after = (await second.EventsAsync(name)).Skip(before).ToList();
        Assert.DoesNotContain(after, e => e.DataJson.Contains("440", StringComparison.Ordinal));
        Assert.Equal(("open", 200), await second.ConnectionStateAsync(name));
        Assert.True(emulator.Emulator.IsOnline(device));
    }

    [Fact]
    public async Task A_stale_activation_with_its_socket_down_cannot_log_out_the_live_session()
    {
        // As above, the older activation sits in its reconnect back-off when the newer one takes over.
        // A logout reaching the older one must not wipe the keys the live session runs on: its fenced
        // write fails first, so it answers 409 and changes nothing.
        var database = await postgres.CreateDatabaseAsync(Ct);
        await using var relay = await WebSocketRelay.StartAsync(emulator.Server.WebSocketUrl);
        await using var first = await StartHostAsync(database, endpoint: relay.Url);
        var (name, _, device, _) = await PairAsync(first);

        relay.Refusing = true;
        var requestsBefore = relay.Requests;
        relay.AbortClients();
        // After the fifth refused attempt the older client sleeps 26–38 s: it is still alive, unfenced.
        await WaitUntilAsync(() => Task.FromResult(relay.Requests >= requestsBefore + 5), TimeSpan.FromSeconds(60));
        await using var second = await StartHostAsync(database);
        Assert.Equal(200, await second.WaitForStateAsync(name, "open"));
        var eventsBefore = (await second.EventsAsync(name)).Count;

        var (status, body) = await first.SendAsync(HttpMethod.Delete, $"/instance/logout/{name}");

        Assert.Equal(409, status);
        Assert.Equal(409, body.GetProperty("status").GetInt32());
        Assert.True(await second.HasCredentialsAsync(name));
        Assert.Equal(("open", 200), await second.ConnectionStateAsync(name));
        Assert.True(emulator.Emulator.IsOnline(device));
        Assert.Equal(eventsBefore, (await second.EventsAsync(name)).Count);
    }

    [Fact]
    public async Task Routes_need_a_key_and_an_existing_instance()
    {
        await using var host = await StartHostAsync();
        Assert.Equal(404, (await host.GetAsync("/instance/connect/no-such-instance")).Status);
        Assert.Equal(404, (await host.GetAsync("/instance/connectionState/no-such-instance")).Status);
        var name = NewName();
        await host.CreateInstanceAsync(name);
        Assert.Equal(400, (await host.GetAsync($"/instance/connect/{name}?number=12ab")).Status);
        Assert.Equal(400, (await host.GetAsync($"/instance/connect/{name}/code/123")).Status);

        using var anonymous = host.CreateClient();
        using var response = await anonymous.GetAsync($"/instance/connect/{name}", Ct);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
                return;
            await Task.Delay(100, Ct);
        }
        Assert.Fail("The condition did not become true in time.");
    }
}
