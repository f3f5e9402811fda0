using System.Text.Json;
using CodeChat.WaEmulator;
using CodeChat.WaEmulator.Model;
using CodeChat.WaEmulator.Protocol;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Pairing;
using CodeChat.WhatsApp.ServerSide;
using CodeChat.WhatsApp.Store;
using Microsoft.Extensions.Time.Testing;
using static CodeChat.WhatsApp.Tests.Client.ClientEvents;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// WaClient linking a passkey-required account against the emulator (whatsapp-protocol.md §4.5), the test
/// playing the authenticator: scan (or typed code) → passkey_prologue_request → assertion → prologue →
/// crsc_continuation → companion_nonce → the same confirmation code on both sides → sealed pairing request →
/// pair-success verified with the rotated ADV secret → 515 → login. The client runs on fake time so the
/// five minutes of the handoff key can pass without waiting.
/// </summary>
public sealed class PasskeyEndToEndTests : IAsyncLifetime
{
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

    private (EmulatedAccount Account, TestPasskeyAuthenticator Authenticator) PasskeyAccount()
    {
        var authenticator = new TestPasskeyAuthenticator();
        var account = _server.Emulator.CreateAccount();
        _server.Emulator.RequirePasskey(account, authenticator.CredentialId, authenticator.PublicKey);
        return (account, authenticator);
    }

    private static WebAuthnAssertion Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return WebAuthnAssertion.FromJson(document.RootElement);
    }

    [Fact]
    public async Task Scan_then_passkey_then_confirmation_links_with_the_rotated_adv_secret()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, authenticator) = PasskeyAccount();
        using var _ = authenticator;
        var store = new InMemoryDeviceStore();
        await using var client = new WaClient(Options, store, timeProvider: new FakeTimeProvider(DateTimeOffset.UtcNow));
        await client.ConnectAsync(ct);
        var qr = await WaitForAsync<QrCodeEvent>(client);
        var advSecretInQr = client.Credentials!.AdvSecretKey.ToArray();

        var scan = _server.Emulator.ScanQrAsync(qr.Code, account, ct);
        var request = await WaitForAsync<PasskeyRequestedEvent>(client);

        Assert.Equal(_server.Emulator.PasskeyRelyingPartyId, request.Options.RelyingPartyId);
        // §4.5 step 2: the secret in the QR is replaced, durably, before anything else happens.
        var rotated = (await store.LoadCredentialsAsync(ct))!.AdvSecretKey;
        Assert.NotEqual(advSecretInQr, rotated);
        Assert.False(scan.IsCompleted);

        await client.SendPasskeyAssertionAsync(Parse(authenticator.Assert(request.Options.Json)), ct);
        var confirmation = await WaitForAsync<PasskeyConfirmationEvent>(client);

        // Within the five minutes the handoff proof went out and the phone checked it.
        Assert.True(confirmation.SkipHandoff);
        var onPhone = Assert.Single(_server.Emulator.PasskeyLinkings, l => l.Phone == account.Phone);
        Assert.True(onPhone.HandoffProven);
        Assert.Equal(PasskeyLinkingStage.AwaitingPairingRequest, onPhone.Stage);
        Assert.Equal(onPhone.ConfirmationCode, confirmation.Code);
        Assert.Matches("^[1-9A-HJ-NP-TV-Z]{8}$", confirmation.Code);

        await client.ConfirmPasskeyAsync(ct);
        var device = await scan.WaitAsync(TimeSpan.FromSeconds(60), ct);
        var paired = await WaitForAsync<PairSuccessEvent>(client);
        Assert.Equal(device.PnJid, paired.Jid.ToString());
        await WaitForAsync<ConnectedEvent>(client);
        Assert.True(_server.Emulator.IsOnline(device));
        var stored = (await store.LoadCredentialsAsync(ct))!;
        Assert.True(stored.IsPaired);
        Assert.Equal(rotated, stored.AdvSecretKey);
        Assert.DoesNotContain(_server.Emulator.PasskeyLinkings, l => l.Phone == account.Phone);
    }

    [Fact]
    public async Task After_five_minutes_the_prologue_goes_without_handoff_proof_and_the_code_must_be_compared()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, authenticator) = PasskeyAccount();
        using var _ = authenticator;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // A flow allowed to outlast the handoff key, so only the key expires here.
        await using var client = new WaClient(Options with { PasskeyFlowTimeout = TimeSpan.FromMinutes(10) }, new InMemoryDeviceStore(), timeProvider: time);
        await client.ConnectAsync(ct);
        var qr = await WaitForAsync<QrCodeEvent>(client);
        var scan = _server.Emulator.ScanQrAsync(qr.Code, account, ct);
        var request = await WaitForAsync<PasskeyRequestedEvent>(client);

        time.Advance(PasskeyHandoffKey.Validity);
        await client.SendPasskeyAssertionAsync(Parse(authenticator.Assert(request.Options.Json)), ct);
        var confirmation = await WaitForAsync<PasskeyConfirmationEvent>(client);

        Assert.False(confirmation.SkipHandoff);
        Assert.False(Assert.Single(_server.Emulator.PasskeyLinkings, l => l.Phone == account.Phone).HandoffProven);
        await client.ConfirmPasskeyAsync(ct);
        await scan.WaitAsync(TimeSpan.FromSeconds(60), ct);
        await WaitForAsync<ConnectedEvent>(client);
    }

    [Fact]
    public async Task An_unfinished_linking_times_out_and_the_client_disconnects_for_a_new_qr()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, authenticator) = PasskeyAccount();
        using var _ = authenticator;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = new WaClient(Options, new InMemoryDeviceStore(), timeProvider: time);
        await client.ConnectAsync(ct);
        var scan = _server.Emulator.ScanQrAsync((await WaitForAsync<QrCodeEvent>(client)).Code, account, ct);
        await WaitForAsync<PasskeyRequestedEvent>(client);

        // The flow's timer starts right after the event: step fake time until it fires.
        PasskeyErrorEvent? error = null;
        for (var step = 0; step < 20 && error is null; step++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            try
            {
                error = await WaitForAsync<PasskeyErrorEvent>(client, timeout: TimeSpan.FromSeconds(1));
            }
            catch (TimeoutException)
            {
            }
        }

        Assert.NotNull(error);
        Assert.True(error.TimedOut);
        var disconnected = await WaitForAsync<DisconnectedEvent>(client);
        Assert.Equal(DisconnectReason.PasskeyTimeout, disconnected.Reason);
        Assert.False(disconnected.WillReconnect);
        await Assert.ThrowsAsync<InvalidOperationException>(() => scan.WaitAsync(TimeSpan.FromSeconds(30), ct));
        Assert.Empty(account.Devices);
    }

    [Fact]
    public async Task Pairing_code_path_asks_for_the_passkey_too()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, authenticator) = PasskeyAccount();
        using var _ = authenticator;
        await using var client = new WaClient(Options, new InMemoryDeviceStore(), timeProvider: new FakeTimeProvider(DateTimeOffset.UtcNow));
        await client.ConnectAsync(ct);
        var code = await client.RequestPairingCodeAsync(account.Phone, ct);

        var typed = _server.Emulator.EnterPairingCodeAsync(account, code, ct);
        var request = await WaitForAsync<PasskeyRequestedEvent>(client);
        await client.SendPasskeyAssertionAsync(Parse(authenticator.Assert(request.Options.Json)), ct);
        var confirmation = await WaitForAsync<PasskeyConfirmationEvent>(client);
        Assert.True(confirmation.SkipHandoff);
        await client.ConfirmPasskeyAsync(ct);

        var device = await typed.WaitAsync(TimeSpan.FromSeconds(60), ct);
        Assert.Equal(device.PnJid, (await WaitForAsync<ConnectedEvent>(client)).Jid.ToString());
    }

    [Fact]
    public async Task A_forged_signature_is_refused_by_the_server_and_nothing_links()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, authenticator) = PasskeyAccount();
        using var _ = authenticator;
        using var forger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var store = new InMemoryDeviceStore();
        await using var client = new WaClient(Options, store, timeProvider: new FakeTimeProvider(DateTimeOffset.UtcNow));
        await client.ConnectAsync(ct);
        var qr = await WaitForAsync<QrCodeEvent>(client);
        var scan = _server.Emulator.ScanQrAsync(qr.Code, account, ct);
        var request = await WaitForAsync<PasskeyRequestedEvent>(client);
        using var options = JsonDocument.Parse(request.Options.Json);

        var forged = Parse(authenticator.Assert(options.RootElement.GetProperty("challenge").GetString()!, request.Options.RelyingPartyId, "https://web.whatsapp.com", forger));
        var refused = await Assert.ThrowsAsync<WaIqException>(() => client.SendPasskeyAssertionAsync(forged, ct));

        Assert.Equal(401, refused.Code);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => scan.WaitAsync(TimeSpan.FromSeconds(30), ct));
        Assert.Contains("signature", failure.Message, StringComparison.Ordinal);
        Assert.Empty(account.Devices);
        Assert.False((await store.LoadCredentialsAsync(ct))!.IsPaired);
        // One assertion per request: the challenge is spent.
        await Assert.ThrowsAsync<WaClientException>(() => client.SendPasskeyAssertionAsync(Parse(authenticator.Assert(request.Options.Json)), ct));
    }

    [Fact]
    public async Task An_assertion_over_an_earlier_challenge_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, authenticator) = PasskeyAccount();
        using var _ = authenticator;
        await using var first = new WaClient(Options, new InMemoryDeviceStore(), timeProvider: new FakeTimeProvider(DateTimeOffset.UtcNow));
        await first.ConnectAsync(ct);
        var firstScan = _server.Emulator.ScanQrAsync((await WaitForAsync<QrCodeEvent>(first)).Code, account, ct);
        var earlier = await WaitForAsync<PasskeyRequestedEvent>(first);
        var replayed = authenticator.Assert(earlier.Options.Json);
        await first.DisposeAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => firstScan.WaitAsync(TimeSpan.FromSeconds(30), ct));

        await using var second = new WaClient(Options, new InMemoryDeviceStore(), timeProvider: new FakeTimeProvider(DateTimeOffset.UtcNow));
        await second.ConnectAsync(ct);
        var secondScan = _server.Emulator.ScanQrAsync((await WaitForAsync<QrCodeEvent>(second)).Code, account, ct);
        await WaitForAsync<PasskeyRequestedEvent>(second);

        var refused = await Assert.ThrowsAsync<WaIqException>(() => second.SendPasskeyAssertionAsync(Parse(replayed), ct));
        Assert.Equal(401, refused.Code);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => secondScan.WaitAsync(TimeSpan.FromSeconds(30), ct));
        Assert.Contains("challenge", failure.Message, StringComparison.Ordinal);
        Assert.Empty(account.Devices);
    }
}
