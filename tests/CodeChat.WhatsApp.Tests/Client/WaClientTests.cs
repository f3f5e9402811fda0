using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Pairing;
using CodeChat.WhatsApp.ServerSide;
using CodeChat.WhatsApp.Store;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// The connection state machine against a loopback fake transport on fake time
/// (whatsapp-protocol.md §4.2–4.4, §5.1–5.7).
/// </summary>
public partial class WaClientTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Fresh_device_registers_shows_rotating_qr_codes_then_gives_up()
    {
        await using var h = new ClientTestHarness();
        await h.Client.ConnectAsync(TestContext.Current.CancellationToken);
        var connection = await h.Connector.NextConnectionAsync();

        var credentials = await h.Store.LoadCredentialsAsync(TestContext.Current.CancellationToken);
        Assert.NotNull(credentials); // saved before the first connection (no lost keys on crash)
        Assert.NotNull(h.Connector.Payloads[0].DevicePairingData);
        Assert.Equal(credentials.NoiseKey.PublicKey, connection.NoiseKey.Raw32.ToArray());

        connection.Send(FakePhone.PairDevice("2@first", "2@second"));
        var ack = await connection.ReceiveAsync();
        Assert.Equal("result", ack.GetAttribute("type"));
        Assert.Equal("pd-1", ack.GetAttribute("id"));

        var first = await h.WaitForEventAsync<QrCodeEvent>();
        Assert.Equal(1, first.Count);
        var scanned = FakePhone.Scan(first.Code);
        Assert.Equal("2@first", scanned.Ref);
        Assert.Equal(credentials.NoiseKey.PublicKey, scanned.Noise);
        Assert.Equal(credentials.IdentityKey.PublicKey, scanned.Identity);
        Assert.Equal(credentials.AdvSecretKey, scanned.AdvSecret);
        Assert.Equal("1", scanned.Platform);

        var start = h.Time.GetUtcNow();
        var second = await h.WaitForEventAsync<QrCodeEvent>(step: Second);
        Assert.Equal(2, second.Count);
        Assert.InRange(h.Time.GetUtcNow() - start, TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(62));

        var gaveUp = await h.WaitForEventAsync<DisconnectedEvent>(step: Second);
        Assert.Equal(DisconnectReason.QrTimeout, gaveUp.Reason);
        Assert.False(gaveUp.WillReconnect);
        Assert.InRange(h.Time.GetUtcNow() - start, TimeSpan.FromSeconds(79), TimeSpan.FromSeconds(83));
        Assert.True(connection.Closed);
        Assert.Equal(1, h.Connector.Attempts);
    }

    [Fact]
    public async Task Qr_pairing_restarts_and_logs_in_then_uploads_prekeys()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var h = new ClientTestHarness();
        var phone = new FakePhone();
        await h.Client.ConnectAsync(ct);
        var connection = await h.Connector.NextConnectionAsync();
        connection.Send(FakePhone.PairDevice("2@only"));
        await connection.ReceiveAsync();
        var qr = FakePhone.Scan((await h.WaitForEventAsync<QrCodeEvent>()).Code);

        connection.Send(phone.PairSuccess("ps-1", qr.Identity, qr.AdvSecret));
        var reply = await connection.ReceiveAsync();
        Assert.Equal("ps-1", reply.GetAttribute("id"));
        Assert.True(phone.AcceptsReply(reply, qr.Identity));
        var paired = await h.WaitForEventAsync<PairSuccessEvent>();
        Assert.Equal(phone.DeviceJid, paired.Jid);
        Assert.Equal(phone.DeviceLid, paired.Lid);
        Assert.Equal("android", paired.Platform);

        var stored = await h.Store.LoadCredentialsAsync(ct);
        Assert.True(stored!.IsPaired);
        Assert.Equal(3u, stored.KeyIndex);
        Assert.Equal(phone.AccountKey.PublicKey.Raw32.ToArray(), stored.GetAccount()!.AccountSignatureKey.ToByteArray());
        Assert.Equal(phone.AccountKey.PublicKey.Raw32.ToArray(), await h.Store.GetIdentityAsync(Jid.Parse("123456789012345@lid"), ct));
        Assert.Equal(Jid.Parse("123456789012345@lid"), await h.Store.GetLidForPhoneNumberAsync(phone.DeviceJid, ct));

        // §4.3 step 9: 515 is expected — reconnect at once with the login payload.
        connection.Send(new Node("stream:error", [new("code", "515")]));
        var restart = await h.WaitForEventAsync<DisconnectedEvent>();
        Assert.Equal(DisconnectReason.RestartRequired, restart.Reason);
        Assert.True(restart.WillReconnect);
        var login = await h.Connector.NextConnectionAsync();
        var loginPayload = h.Connector.Payloads[1];
        Assert.Equal(15551234567ul, loginPayload.Username);
        Assert.Equal(12u, loginPayload.Device);
        Assert.True(loginPayload.Passive);
        Assert.Null(loginPayload.DevicePairingData);

        login.Send(new Node("success", [new("t", "1700000000"), new("lid", Jid.Parse("123456789012345@lid"))]));
        var connected = await h.WaitForEventAsync<ConnectedEvent>();
        Assert.Equal(phone.DeviceJid, connected.Jid);
        Assert.Equal(phone.DeviceLid, connected.Lid);
        Assert.True(h.Client.IsLoggedIn);

        var active = await login.ReceiveAsync();
        Assert.Equal("passive", active.GetAttribute("xmlns"));
        Assert.True(active.HasChild("active"));
        login.Send(FakeWaConnection.Result(active));

        var count = await login.ReceiveAsync();
        Assert.Equal("encrypt", count.GetAttribute("xmlns"));
        Assert.True(count.HasChild("count"));
        login.Send(FakeWaConnection.Result(count, new Node("count", [new("value", "0")])));

        var upload = await login.ReceiveAsync();
        Assert.Equal("set", upload.GetAttribute("type"));
        var keys = upload.GetRequiredChild("list").GetChildren("key").ToList();
        Assert.Equal(30, keys.Count);
        Assert.Equal([0, 0, 1], keys[0].GetRequiredChild("id").Bytes!.Value.ToArray());
        Assert.Equal(stored.IdentityKey.PublicKey, upload.GetRequiredChild("identity").Bytes!.Value.ToArray());
        var skey = upload.GetRequiredChild("skey");
        Assert.True(XEdDsa.Verify(stored.IdentityKey.PublicKey, [0x05, .. skey.GetRequiredChild("value").Bytes!.Value.Span], skey.GetRequiredChild("signature").Bytes!.Value.Span));
        // Persisted before upload (pitfall P11), marked uploaded only after the server's result.
        Assert.NotNull(await h.Store.GetPreKeyAsync(30, ct));
        Assert.Equal(0, await h.Store.CountUploadedPreKeysAsync(ct));
        login.Send(FakeWaConnection.Result(upload));
        await WaitUntilAsync(async () => await h.Store.CountUploadedPreKeysAsync(ct) == 30);
    }

    [Fact]
    public async Task Low_prekey_notification_is_acked_and_refilled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var h = await LoggedInAsync();
        var connection = h.Connection;

        connection.Send(new Node("notification", [new("from", Jid.ServerJid), new("type", "encrypt"), new("id", "n-1")],
            new Node("count", [new("value", "2")])));

        // The ack and the count query race (the refill runs beside the reader loop).
        Node[] sent = [await connection.ReceiveAsync(), await connection.ReceiveAsync()];
        var ack = Assert.Single(sent, node => node.Tag == "ack");
        Assert.Equal("notification", ack.GetAttribute("class"));
        Assert.Equal("n-1", ack.GetAttribute("id"));
        Assert.Equal("encrypt", ack.GetAttribute("type"));
        var count = Assert.Single(sent, node => node.Tag == "iq");
        Assert.True(count.HasChild("count"));
        connection.Send(FakeWaConnection.Result(count, new Node("count", [new("value", "2")])));
        var upload = await connection.ReceiveAsync();
        Assert.Equal(10, upload.GetRequiredChild("list").GetChildren("key").Count());
        connection.Send(FakeWaConnection.Result(upload));
        await WaitUntilAsync(async () => await h.Harness.Store.CountUploadedPreKeysAsync(ct) == 10);
    }

    [Fact]
    public async Task Pairing_code_flow_derives_the_adv_secret_the_phone_uses()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var h = new ClientTestHarness();
        await h.Client.ConnectAsync(ct);
        var connection = await h.Connector.NextConnectionAsync();
        connection.Send(FakePhone.PairDevice("2@ref"));
        await connection.ReceiveAsync();

        var codeTask = h.Client.RequestPairingCodeAsync("+15551234567", ct);
        var hello = await connection.ReceiveAsync();
        var reg = hello.GetRequiredChild("link_code_companion_reg");
        Assert.Equal("companion_hello", reg.GetAttribute("stage"));
        Assert.Equal(Jid.Parse("15551234567@s.whatsapp.net"), reg.GetJid("jid"));
        var credentials = (await h.Store.LoadCredentialsAsync(ct))!;
        Assert.Equal(credentials.NoiseKey.PublicKey, reg.GetRequiredChild("companion_server_auth_key_pub").Bytes!.Value.ToArray());
        connection.Send(FakeWaConnection.Result(hello, new Node("link_code_companion_reg", default, new Node("link_code_pairing_ref", default, "REF-1"u8.ToArray()))));
        var code = await codeTask;
        // As Baileys' requestPairingCode returns it: the 8 characters, no dash.
        Assert.Matches("^[1-9A-HJ-NP-TV-Z]{8}$", code);
        Assert.Equal(code, (await h.WaitForEventAsync<PairingCodeEvent>()).Code);

        // The user types the code on the phone.
        var phoneIdentity = Curve25519KeyPair.Generate();
        var phoneSide = new PrimaryPairingCode(code, Curve25519KeyPair.Generate(), phoneIdentity);
        var wrappedCompanion = reg.GetRequiredChild("link_code_pairing_wrapped_companion_ephemeral_pub").Bytes!.Value.ToArray();
        connection.Send(new Node("notification", [new("from", Jid.ServerJid), new("type", "link_code_companion_reg"), new("id", "n-7")],
            new Node("link_code_companion_reg", default, new Node[]
            {
                new("link_code_pairing_ref", default, "REF-1"u8.ToArray()),
                new("link_code_pairing_wrapped_primary_ephemeral_pub", default, phoneSide.WrapEphemeralKey()),
                new("primary_identity_pub", default, phoneIdentity.PublicKey.Raw32.ToArray()),
            })));

        Node[] sent = [await connection.ReceiveAsync(), await connection.ReceiveAsync()];
        Assert.Single(sent, node => node.Tag == "ack");
        var finish = Assert.Single(sent, node => node.Tag == "iq");
        var finishReg = finish.GetRequiredChild("link_code_companion_reg");
        Assert.Equal("companion_finish", finishReg.GetAttribute("stage"));
        var opened = phoneSide.OpenKeyBundle(wrappedCompanion, finishReg.GetRequiredChild("link_code_pairing_wrapped_key_bundle").Bytes!.Value.Span);
        Assert.Equal(credentials.IdentityKey.PublicKey, opened.CompanionIdentity.Raw32.ToArray());
        // Persisted before companion_finish went out (pitfall P25).
        Assert.Equal(opened.AdvSecret, (await h.Store.LoadCredentialsAsync(ct))!.AdvSecretKey);
        connection.Send(FakeWaConnection.Result(finish));

        var phone = new FakePhone();
        connection.Send(phone.PairSuccess("ps-2", credentials.IdentityKey.PublicKey, opened.AdvSecret));
        var reply = await connection.ReceiveAsync();
        Assert.True(phone.AcceptsReply(reply, credentials.IdentityKey.PublicKey));
        await h.WaitForEventAsync<PairSuccessEvent>();
    }

    [Theory]
    [InlineData("0115551234567")]
    [InlineData("555-12ab")]
    public async Task Pairing_code_for_a_malformed_number_is_refused_before_anything_is_sent(string number)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var h = new ClientTestHarness();
        await h.Client.ConnectAsync(ct);
        var connection = await h.Connector.NextConnectionAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => h.Client.RequestPairingCodeAsync(number, ct));
        Assert.Equal("phoneNumber", error.ParamName);
        Assert.False(connection.TryReceive(out _));
    }

    [Fact]
    public async Task Pair_success_with_a_foreign_adv_secret_is_refused()
    {
        await using var h = new ClientTestHarness();
        await h.Client.ConnectAsync(TestContext.Current.CancellationToken);
        var connection = await h.Connector.NextConnectionAsync();
        var credentials = (await h.Store.LoadCredentialsAsync(TestContext.Current.CancellationToken))!;

        connection.Send(new FakePhone().PairSuccess("ps-3", credentials.IdentityKey.PublicKey, new byte[32]));

        var reply = await connection.ReceiveAsync();
        Assert.Equal("error", reply.GetAttribute("type"));
        Assert.Equal("hmac-mismatch", reply.GetRequiredChild("error").GetAttribute("text"));
        Assert.Equal("hmac-mismatch", (await h.WaitForEventAsync<PairErrorEvent>()).Error);
        Assert.False((await h.Store.LoadCredentialsAsync(TestContext.Current.CancellationToken))!.IsPaired);
    }

    [Fact]
    public async Task Malformed_pair_success_is_ignored_without_dropping_the_connection()
    {
        await using var h = new ClientTestHarness();
        await h.Client.ConnectAsync(TestContext.Current.CancellationToken);
        var connection = await h.Connector.NextConnectionAsync();

        connection.Send(new Node("iq", [new("from", Jid.ServerJid), new("type", "set"), new("id", "bad"), new("xmlns", "md")], new Node("pair-success")));
        connection.Send(FakePhone.PairDevice("2@after"));

        Assert.Equal("2@after", FakePhone.Scan((await h.WaitForEventAsync<QrCodeEvent>()).Code).Ref);
        Assert.False(connection.Closed);
    }

    [Fact]
    public async Task Replaced_connection_is_not_reconnected()
    {
        // Pitfall P18: reconnecting on conflict/replaced ping-pongs with the other session.
        await using var h = await LoggedInAsync();

        h.Connection.Send(new Node("stream:error", default, new Node("conflict", [new("type", "replaced")])));

        Assert.Equal(StreamErrorKind.Replaced, (await h.Harness.WaitForEventAsync<StreamErrorEvent>()).Kind);
        var disconnected = await h.Harness.WaitForEventAsync<DisconnectedEvent>();
        Assert.Equal(DisconnectReason.Replaced, disconnected.Reason);
        Assert.False(disconnected.WillReconnect);
        h.Harness.Time.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(h.Harness.Connector.HasPendingConnection);
        Assert.NotNull(await h.Harness.Store.LoadCredentialsAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Stream_error_401_wipes_the_credentials()
    {
        await using var h = await LoggedInAsync();

        h.Connection.Send(new Node("stream:error", [new("code", "401")], new Node("conflict", [new("type", "device_removed")])));

        var loggedOut = await h.Harness.WaitForEventAsync<LoggedOutEvent>();
        Assert.Contains("DeviceRemoved", loggedOut.Reason, StringComparison.Ordinal);
        Assert.Null(await h.Harness.Store.LoadCredentialsAsync(TestContext.Current.CancellationToken));
        Assert.Null(h.Harness.Client.Credentials);
        Assert.Contains(h.Harness.Seen, e => e is DisconnectedEvent { Reason: DisconnectReason.LoggedOut, WillReconnect: false });
    }

    [Fact]
    public async Task Login_failure_401_wipes_and_405_stops_without_wiping()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var h = await LoggedInAsync(sendSuccess: false))
        {
            h.Connection.Send(new Node("failure", [new("reason", "401")]));
            await h.Harness.WaitForEventAsync<LoggedOutEvent>();
            Assert.Null(await h.Harness.Store.LoadCredentialsAsync(ct));
        }
        await using (var h = await LoggedInAsync(sendSuccess: false))
        {
            h.Connection.Send(new Node("failure", [new("reason", "405")]));
            var disconnected = await h.Harness.WaitForEventAsync<DisconnectedEvent>();
            Assert.Equal(DisconnectReason.ClientOutdated, disconnected.Reason);
            Assert.Equal("405", disconnected.Code);
            Assert.False(disconnected.WillReconnect);
            Assert.NotNull(await h.Harness.Store.LoadCredentialsAsync(ct));
        }
    }

    [Fact]
    public async Task Service_unavailable_reconnects_after_a_backoff()
    {
        await using var h = await LoggedInAsync();

        h.Connection.Send(new Node("stream:error", [new("code", "503")]));

        var disconnected = await h.Harness.WaitForEventAsync<DisconnectedEvent>();
        Assert.True(disconnected.WillReconnect);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(h.Harness.Connector.HasPendingConnection); // waits the back-off first
        await h.Harness.AdvanceUntilAsync(() => h.Harness.Connector.HasPendingConnection);
        var next = await h.Harness.Connector.NextConnectionAsync();
        Assert.NotNull(next);
        Assert.Equal(15551234567ul, h.Harness.Connector.Payloads[^1].Username);
    }

    [Fact]
    public async Task Unanswered_keepalives_replace_the_dead_connection()
    {
        var options = new WaClientOptions
        {
            IqTimeout = TimeSpan.FromMinutes(30),
            KeepaliveIntervalMin = TimeSpan.FromSeconds(20),
            KeepaliveIntervalMax = TimeSpan.FromSeconds(20),
            KeepaliveResponseTimeout = TimeSpan.FromSeconds(10),
            KeepaliveDeadAfter = TimeSpan.FromSeconds(60),
        };
        await using var h = await LoggedInAsync(options: options);
        h.Connection.AnswerPings = false;

        var disconnected = await h.Harness.WaitForEventAsync<DisconnectedEvent>(step: Second);

        Assert.Equal(DisconnectReason.KeepaliveTimeout, disconnected.Reason);
        Assert.True(disconnected.WillReconnect);
        Assert.True(h.Connection.PingsSeen >= 2);
        Assert.NotNull(await h.Harness.Connector.NextConnectionAsync());
    }

    [Fact]
    public async Task Answered_keepalives_keep_the_connection()
    {
        await using var h = await LoggedInAsync();

        for (var i = 0; i < 200; i++)
        {
            h.Harness.Time.Advance(Second);
            await Task.Delay(2, TestContext.Current.CancellationToken);
        }

        Assert.True(h.Connection.PingsSeen >= 5);
        Assert.False(h.Connection.Closed);
        Assert.True(h.Harness.Client.IsLoggedIn);
    }

    [Fact]
    public async Task Server_ping_gets_a_pong()
    {
        await using var h = await LoggedInAsync();

        h.Connection.Send(new Node("iq", [new("from", Jid.ServerJid), new("id", "p-9"), new("type", "get"), new("xmlns", "urn:xmpp:ping")]));

        var pong = await h.Connection.ReceiveAsync();
        Assert.Equal("result", pong.GetAttribute("type"));
        Assert.Equal("p-9", pong.GetAttribute("id"));
    }

    [Fact]
    public async Task Logout_removes_the_companion_then_wipes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var h = await LoggedInAsync();

        var logout = h.Harness.Client.LogoutAsync(ct);
        var remove = await h.Connection.ReceiveAsync();
        var removeChild = remove.GetRequiredChild("remove-companion-device");
        Assert.Equal("15551234567:12@s.whatsapp.net", removeChild.GetAttribute("jid"));
        Assert.NotNull(await h.Harness.Store.LoadCredentialsAsync(ct)); // not wiped before the server was told
        h.Connection.Send(FakeWaConnection.Result(remove));
        await logout;

        Assert.Null(await h.Harness.Store.LoadCredentialsAsync(ct));
        await h.Harness.WaitForEventAsync<LoggedOutEvent>();
        Assert.True(h.Connection.Closed);
    }

    [Fact]
    public async Task Logout_while_reconnecting_waits_for_the_connection_to_unlink_then_wipes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var h = await LoggedInAsync();
        await h.Connection.CloseAsync(ct);
        Assert.True((await h.Harness.WaitForEventAsync<DisconnectedEvent>()).WillReconnect);

        var logout = h.Harness.Client.LogoutAsync(ct);
        var again = await NextConnectionAfterBackoffAsync(h.Harness);
        var remove = await LogInAndAwaitRemoveCompanionAsync(again);

        Assert.Equal("15551234567:12@s.whatsapp.net", remove.GetRequiredChild("remove-companion-device").GetAttribute("jid"));
        Assert.False(logout.IsCompleted);
        Assert.NotNull(await h.Harness.Store.LoadCredentialsAsync(ct)); // not wiped before the server was told
        again.Send(FakeWaConnection.Result(remove));
        await logout.WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.Null(await h.Harness.Store.LoadCredentialsAsync(ct));
        await h.Harness.WaitForEventAsync<LoggedOutEvent>();
        Assert.True(again.Closed);
    }

    [Fact]
    public async Task Logout_of_a_client_that_is_not_running_connects_to_unlink_then_wipes()
    {
        // The instance was closed ("replaced", refused login) or never resumed, but the device is still linked.
        var ct = TestContext.Current.CancellationToken;
        await using var h = new ClientTestHarness(PairedOptions, await PairedStoreAsync());

        var logout = h.Client.LogoutAsync(ct);
        var connection = await h.Connector.NextConnectionAsync();
        Assert.Equal(15551234567ul, h.Connector.Payloads[^1].Username); // the login payload, not a registration
        var remove = await LogInAndAwaitRemoveCompanionAsync(connection);
        connection.Send(FakeWaConnection.Result(remove));
        await logout.WaitAsync(TimeSpan.FromSeconds(10), ct);

        Assert.Null(await h.Store.LoadCredentialsAsync(ct));
        Assert.True(connection.Closed);
        await h.WaitForEventAsync<LoggedOutEvent>();
    }

    [Fact]
    public async Task Logout_when_the_server_cannot_be_reached_wipes_locally_within_the_bound()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var h = new ClientTestHarness(PairedOptions, await PairedStoreAsync());
        h.Connector.FailAttempt = _ => new WaClientException("unreachable");

        await h.Client.LogoutAsync(ct).WaitAsync(TimeSpan.FromSeconds(10), ct);

        Assert.Null(await h.Store.LoadCredentialsAsync(ct));
        Assert.Equal(1, h.Connector.Attempts);
    }

    [Fact]
    public async Task Logout_gives_up_waiting_for_a_login_after_the_connect_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var h = await LoggedInAsync(sendSuccess: false);

        var logout = h.Harness.Client.LogoutAsync(ct);
        await Task.Delay(100, ct);
        Assert.False(logout.IsCompleted); // connected but not logged in: it waits for <success>
        await h.Harness.AdvanceUntilAsync(() => logout.IsCompleted);

        await logout.WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.InRange(h.Harness.Time.GetUtcNow() - h.Harness.Time.Start, h.Harness.Options.LogoutConnectTimeout, TimeSpan.FromSeconds(100));
        Assert.Null(await h.Harness.Store.LoadCredentialsAsync(ct));
        Assert.False(h.Connection.TryReceive(out _)); // no remove-companion-device on a connection that never logged in
    }

    [Fact]
    public async Task Failing_first_connection_is_reported_to_the_caller()
    {
        await using var h = new ClientTestHarness();
        h.Connector.FailAttempt = _ => new WaClientException("refused");

        await Assert.ThrowsAsync<WaClientException>(() => h.Client.ConnectAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Iq_answers_are_correlated_and_errors_surface()
    {
        await using var h = await LoggedInAsync();
        var ct = TestContext.Current.CancellationToken;

        var first = h.Harness.Client.SendIqAsync(ClientNodes.Iq("test", "get"), ct);
        var second = h.Harness.Client.SendIqAsync(ClientNodes.Iq("test", "get"), ct);
        var a = await h.Connection.ReceiveAsync();
        var b = await h.Connection.ReceiveAsync();
        Assert.NotEqual(a.GetAttribute("id"), b.GetAttribute("id"));
        h.Connection.Send(new Node("iq", [new("id", b.GetRequiredAttribute("id")), new("type", "error")], new Node("error", [new("code", "404"), new("text", "item-not-found")])));
        h.Connection.Send(FakeWaConnection.Result(a, new Node("ok")));

        Assert.True((await first).HasChild("ok"));
        var error = await Assert.ThrowsAsync<WaIqException>(() => second);
        Assert.Equal(404, error.Code);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 500; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(10);
        }
        Assert.Fail("Condition not reached.");
    }

    private static WaClientOptions PairedOptions => new() { IqTimeout = TimeSpan.FromMinutes(30), PreKeyRefillCount = 10, ReconnectJitter = 0 };

    private static async Task<InMemoryDeviceStore> PairedStoreAsync()
    {
        var store = new InMemoryDeviceStore();
        await store.SaveCredentialsAsync(DeviceCredentials.CreateNew() with
        {
            Jid = "15551234567:12@s.whatsapp.net",
            Lid = "123456789012345:12@lid",
            Account = [0x0A, 0x00],
        });
        return store;
    }

    /// <summary>Advances fake time in small steps until the client opens its next connection (the back-off elapsed).</summary>
    private static async Task<FakeWaConnection> NextConnectionAfterBackoffAsync(ClientTestHarness harness)
    {
        for (var i = 0; i < 200 && !harness.Connector.HasPendingConnection; i++)
        {
            harness.Time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        return await harness.Connector.NextConnectionAsync();
    }

    /// <summary>Logs the connection in and answers the client's iqs until remove-companion-device arrives; returns it unanswered.</summary>
    private static async Task<Node> LogInAndAwaitRemoveCompanionAsync(FakeWaConnection connection)
    {
        connection.Send(new Node("success", [new("t", "1700000000")]));
        while (true)
        {
            var sent = await connection.ReceiveAsync();
            if (sent.HasChild("remove-companion-device"))
            {
                return sent;
            }
            if (sent.Tag == "iq")
            {
                // Enough prekeys, so the post-login setup stays out of the way.
                connection.Send(FakeWaConnection.Result(sent, new Node("count", [new("value", "100")])));
            }
        }
    }

    /// <summary>A client whose store already holds paired credentials, connected and (optionally) past &lt;success&gt;.</summary>
    private static async Task<LoggedInClient> LoggedInAsync(bool sendSuccess = true, WaClientOptions? options = null)
    {
        var harness = new ClientTestHarness(options ?? PairedOptions, await PairedStoreAsync());
        await harness.Client.ConnectAsync();
        var connection = await harness.Connector.NextConnectionAsync();
        if (sendSuccess)
        {
            connection.Send(new Node("success", [new("t", "1700000000")]));
            await harness.WaitForEventAsync<ConnectedEvent>();
            var active = await connection.ReceiveAsync();
            connection.Send(FakeWaConnection.Result(active));
            var count = await connection.ReceiveAsync();
            connection.Send(FakeWaConnection.Result(count, new Node("count", [new("value", "100")])));
        }
        return new LoggedInClient(harness, connection);
    }

    private sealed record LoggedInClient(ClientTestHarness Harness, FakeWaConnection Connection) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Harness.DisposeAsync();
    }
}
