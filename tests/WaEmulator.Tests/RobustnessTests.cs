using System.Net.WebSockets;
using CodeChat.Testing;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Socket;
using Google.Protobuf;

namespace CodeChat.WaEmulator.Tests;

/// <summary>Hostile or broken clients cost only their own connection; everyone else goes on.</summary>
public sealed class RobustnessTests(BaileysInteropPackages packages)
{
    [Fact]
    public async Task A_strict_client_verifies_the_chain_under_the_emulator_root_and_an_unknown_device_gets_failure_401()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: ct);
        var payload = new ClientPayload { Username = 15559990001, Device = 3, Passive = true, Pull = true }.ToByteArray();

        // CertificateChainVerifier checks both XEdDSA signatures, serials, validity and the leaf key (whatsapp-protocol.md §2.6)
        var socket = await NoiseSocket.ConnectAsync(
            new NoiseClientOptions { Url = server.WebSocketUrl, CertificateVerifier = server.Emulator.Certificates.CreateVerifier() },
            Curve25519KeyPair.Generate(),
            payload,
            cancellationToken: ct);
        var first = WaBinaryDecoder.Decode((await socket.Frames.ReadAsync(ct)).Span);
        await socket.DisposeAsync();

        Assert.Equal("failure", first.Tag);
        Assert.Equal("401", first.GetAttribute("reason"));
    }

    [Fact]
    public async Task The_production_root_does_not_trust_the_emulator_chain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: ct);

        await Assert.ThrowsAsync<ServerCertificateException>(() => NoiseSocket.ConnectAsync(
            new NoiseClientOptions { Url = server.WebSocketUrl },
            Curve25519KeyPair.Generate(),
            new ClientPayload { Username = 15559990001, Device = 1 }.ToByteArray(),
            cancellationToken: ct));
    }

    [Fact]
    public async Task Garbage_and_broken_handshakes_do_not_stop_a_Baileys_client_from_pairing()
    {
        Assert.NotNull(packages);
        var ct = TestContext.Current.CancellationToken;
        // a client that never completes its handshake is dropped after HandshakeTimeout
        await using var fixture = await EmulatorFixture.StartAsync(ct, new WaEmulatorOptions { HandshakeTimeout = TimeSpan.FromSeconds(2) });
        var url = fixture.Server.WebSocketUrl;

        // 1. random bytes without the intro header
        await SendRawAndExpectCloseAsync(url, [.. Enumerable.Range(0, 200).Select(i => (byte)(i * 37))], ct);
        // 2. a correct intro followed by a frame that is no HandshakeMessage
        await SendRawAndExpectCloseAsync(url, [0x57, 0x41, 0x06, 0x03, 0x00, 0x00, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], ct);
        // 3. a frame length far beyond the limit
        await SendRawAndExpectCloseAsync(url, [0x57, 0x41, 0x06, 0x03, 0xFF, 0xFF, 0xFF, 0x01], ct);
        // 4. a complete handshake whose ClientPayload is not a protobuf
        var garbagePayload = await NoiseSocket.ConnectAsync(
            new NoiseClientOptions { Url = url, CertificateVerifier = fixture.Emulator.Certificates.CreateVerifier() },
            Curve25519KeyPair.Generate(),
            new byte[] { 0xFF, 0xFF, 0xFF, 0xFF },
            cancellationToken: ct);
        await DrainUntilClosedAsync(garbagePayload, ct);
        await garbagePayload.DisposeAsync();

        // 5. a registration that then sends an undecodable transport frame
        var registration = new ClientPayload
        {
            DevicePairingData = new ClientPayload.Types.DevicePairingRegistrationData
            {
                ERegid = ByteString.CopyFrom(0, 0, 0, 1),
                EKeytype = ByteString.CopyFrom(5),
                EIdent = ByteString.CopyFrom(Curve25519KeyPair.Generate().PublicKey.Raw32.Span),
                ESkeyID = ByteString.CopyFrom(0, 0, 1),
                ESkeyVal = ByteString.CopyFrom(new byte[32]),
                ESkeySig = ByteString.CopyFrom(new byte[64]),
            },
        }.ToByteArray();
        var broken = await NoiseSocket.ConnectAsync(
            new NoiseClientOptions { Url = url, CertificateVerifier = fixture.Emulator.Certificates.CreateVerifier() },
            Curve25519KeyPair.Generate(),
            registration,
            cancellationToken: ct);
        var pairDevice = WaBinaryDecoder.Decode((await broken.Frames.ReadAsync(ct)).Span);
        Assert.Equal("pair-device", Assert.Single(pairDevice.Children).Tag);
        await broken.SendAsync(new byte[] { 0x00, 0xF8, 0xFF, 0xFF }, ct);
        await DrainUntilClosedAsync(broken, ct);
        await broken.DisposeAsync();

        // the emulator still serves a real client end to end
        var peer = await fixture.StartPeerAsync("survivor", ct);
        var device = await fixture.PairAsync(peer, fixture.Emulator.CreateAccount(), ct);
        Assert.True(fixture.Emulator.IsOnline(device));
        Assert.True(fixture.Emulator.Connections.Count >= 7);
    }

    private static async Task SendRawAndExpectCloseAsync(Uri url, byte[] bytes, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "https://web.whatsapp.com");
        await socket.ConnectAsync(url, cancellationToken);
        await socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
        var buffer = new byte[1024];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (WebSocketException)
        {
            // an aborted connection counts as closed too
        }
    }

    private static async Task DrainUntilClosedAsync(NoiseSocket socket, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await foreach (var _ in socket.Frames.ReadAllAsync(timeout.Token))
            {
            }
        }
        catch (NoiseException)
        {
            // the server dropped us: that is the point
        }
    }
}
