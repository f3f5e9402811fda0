using System.Net.WebSockets;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.ServerSide;
using CodeChat.WhatsApp.Socket;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Socket;

/// <summary>Our initiator against our responder over a real loopback WebSocket (Kestrel).</summary>
public class NoiseSocketLoopbackTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private sealed record ServerIdentity(Curve25519KeyPair Root, Curve25519KeyPair StaticKey, byte[] Chain)
    {
        public static ServerIdentity Create()
        {
            var root = Curve25519KeyPair.Generate();
            var staticKey = Curve25519KeyPair.Generate();
            var now = DateTimeOffset.UtcNow;
            var chain = CertificateChainBuilder.Build(root, Curve25519KeyPair.Generate(), staticKey.PublicKey, now.AddHours(-1), now.AddHours(1));
            return new ServerIdentity(root, staticKey, chain);
        }

        public NoiseServerOptions ServerOptions => new() { StaticKey = StaticKey, CertificateChain = Chain };
    }

    [Fact]
    public async Task Client_and_server_exchange_frames_both_ways_including_a_compressed_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var identity = ServerIdentity.Create();
        var accepted = new TaskCompletionSource<NoiseSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackWebSocketServer.StartAsync(async webSocket =>
        {
            var socket = await NoiseServerSocket.AcceptAsync(webSocket, identity.ServerOptions, cancellationToken: ct);
            accepted.SetResult(socket);
            await socket.Completion;
        });

        var noiseKey = Curve25519KeyPair.Generate();
        var clientPayload = Hex("payload.login_proto");
        await using var client = await NoiseSocket.ConnectAsync(
            new NoiseClientOptions { Url = server.Url, CertificateVerifier = new CertificateChainVerifier(identity.Root.PublicKey) },
            noiseKey,
            clientPayload,
            cancellationToken: ct);
        await using var serverSide = await accepted.Task.WaitAsync(TestTimeout, ct);

        Assert.Equal(identity.StaticKey.PublicKey, client.RemoteStaticKey);
        Assert.Equal(noiseKey.PublicKey, serverSide.RemoteStaticKey);
        Assert.Equal(clientPayload, serverSide.ClientPayload.ToArray());

        // Client → server: many concurrent sends must all decrypt, so the writer never interleaves or reorders nonces.
        var frames = Enumerable.Range(0, 40).Select(i => (byte[])[0x00, (byte)i, .. new byte[i * 100]]).ToArray();
        await Task.WhenAll(frames.Select(frame => client.SendAsync(frame, ct).AsTask()));
        var received = new List<byte[]>();
        for (var i = 0; i < frames.Length; i++)
        {
            received.Add((await serverSide.Frames.ReadAsync(ct)).ToArray());
        }
        Assert.Equal(frames.Select(Convert.ToHexString).Order(), received.Select(Convert.ToHexString).Order());

        // Server → client: a plain frame, then a compressed one that arrives inflated with flag 0.
        var keepalive = Hex("binary.keepalive_iq");
        await serverSide.SendAsync(keepalive, ct);
        await serverSide.SendAsync(TransportFrames.Compress(Hex("binary.group_subject_iq").AsSpan(1)), ct);
        Assert.Equal(keepalive, (await client.ReceiveAsync(ct)).ToArray());
        Assert.Equal(Hex("binary.group_subject_iq"), (await client.ReceiveAsync(ct)).ToArray());

        // Clean close: the server's frame stream ends without an error.
        await client.CloseAsync(ct);
        await foreach (var unexpected in serverSide.ReadFramesAsync(ct))
        {
            Assert.Fail($"No frame was sent after the last one, got {unexpected.Length} bytes.");
        }
        await Assert.ThrowsAsync<NoiseConnectionClosedException>(async () => await serverSide.ReceiveAsync(ct));
        await client.Completion.WaitAsync(TestTimeout, ct);
        await Assert.ThrowsAsync<NoiseException>(() => client.SendAsync(keepalive, ct).AsTask());
    }

    [Fact]
    public async Task Client_rejects_a_server_whose_chain_another_root_signed()
    {
        var ct = TestContext.Current.CancellationToken;
        var identity = ServerIdentity.Create();
        await using var server = await LoopbackWebSocketServer.StartAsync(async webSocket =>
        {
            try
            {
                await using var socket = await NoiseServerSocket.AcceptAsync(webSocket, identity.ServerOptions, cancellationToken: ct);
            }
            catch (NoiseException)
            {
                // The client aborts after rejecting the chain.
            }
        });

        var trustedButWrongRoot = Curve25519KeyPair.Generate();
        await Assert.ThrowsAsync<ServerCertificateException>(() => NoiseSocket.ConnectAsync(
            new NoiseClientOptions { Url = server.Url, CertificateVerifier = new CertificateChainVerifier(trustedButWrongRoot.PublicKey) },
            Curve25519KeyPair.Generate(),
            new byte[] { 1 },
            cancellationToken: ct));
    }

    [Fact]
    public async Task Dispose_while_receiving_and_sending_is_quiet_and_ends_the_stream_cleanly()
    {
        var ct = TestContext.Current.CancellationToken;
        var identity = ServerIdentity.Create();
        await using var server = await LoopbackWebSocketServer.StartAsync(async webSocket =>
        {
            await using var socket = await NoiseServerSocket.AcceptAsync(webSocket, identity.ServerOptions, cancellationToken: ct);
            await socket.Completion.WaitAsync(TestTimeout, ct);
        });

        // The receive loop is always parked in WebSocket.ReceiveAsync here; the old order (abort, then
        // cancel) let its "Aborted" OperationCanceledException escape from DisposeAsync now and then.
        for (var round = 0; round < 10; round++)
        {
            var client = await NoiseSocket.ConnectAsync(
                new NoiseClientOptions { Url = server.Url, CertificateVerifier = new CertificateChainVerifier(identity.Root.PublicKey) },
                Curve25519KeyPair.Generate(),
                new byte[] { 1 },
                cancellationToken: ct);
            var sends = Enumerable.Range(0, round).Select(i => client.SendAsync(new byte[] { 0, (byte)i }, ct).AsTask()).ToArray();

            await client.DisposeAsync();

            Assert.True(client.Completion.IsCompletedSuccessfully, $"round {round}: loops ended with {client.Completion.Status}");
            await client.Frames.Completion.WaitAsync(TestTimeout, ct);
            await Assert.ThrowsAsync<NoiseConnectionClosedException>(async () => await client.ReceiveAsync(ct));
            foreach (var send in sends)
            {
                // each frame went out before the dispose or is reported as not sent, never anything else
                var outcome = await Record.ExceptionAsync(() => send.WaitAsync(TestTimeout, ct));
                Assert.True(outcome is null or NoiseException, $"round {round}: send ended with {outcome}");
            }
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Tampered_frame_faults_the_stream_and_closes_the_socket()
    {
        var ct = TestContext.Current.CancellationToken;
        var identity = ServerIdentity.Create();
        await using var server = await LoopbackWebSocketServer.StartAsync(async webSocket =>
        {
            // A hand-driven responder, so that the test can put a forged frame on the wire.
            using var handshake = new NoiseServerHandshake(identity.StaticKey, identity.Chain);
            var reader = new FrameReader(expectIntroHeader: true);
            handshake.ProcessClientHello(await ReceiveFrameAsync(webSocket, reader, ct));
            await webSocket.SendAsync(FrameCodec.EncodeFrame(handshake.CreateServerHello()), WebSocketMessageType.Binary, true, ct);
            handshake.ProcessClientFinish(await ReceiveFrameAsync(webSocket, reader, ct));
            using var writer = new NoiseCipher(handshake.Finish().ResponderToInitiator);
            await webSocket.SendAsync(FrameCodec.EncodeFrame(writer.Encrypt(Hex("binary.keepalive_iq"))), WebSocketMessageType.Binary, true, ct);
            var forged = writer.Encrypt(Hex("binary.keepalive_iq"));
            forged[^3] ^= 0x40;
            await webSocket.SendAsync(FrameCodec.EncodeFrame(forged), WebSocketMessageType.Binary, true, ct);
            try
            {
                await ReceiveFrameAsync(webSocket, reader, ct);
            }
            catch (Exception exception) when (exception is WebSocketException or InvalidOperationException)
            {
                // Expected: the client tears the connection down.
            }
        });

        await using var client = await NoiseSocket.ConnectAsync(
            new NoiseClientOptions { Url = server.Url, CertificateVerifier = new CertificateChainVerifier(identity.Root.PublicKey) },
            Curve25519KeyPair.Generate(),
            new byte[] { 1 },
            cancellationToken: ct);

        Assert.Equal(Hex("binary.keepalive_iq"), (await client.Frames.ReadAsync(ct)).ToArray());
        await Assert.ThrowsAsync<NoiseDecryptionException>(async () => await client.ReceiveAsync(ct));
        await client.Completion.WaitAsync(TestTimeout, ct);
        await Assert.ThrowsAsync<NoiseException>(() => client.SendAsync(new byte[] { 0 }, ct).AsTask());
    }

    private static async Task<byte[]> ReceiveFrameAsync(WebSocket webSocket, FrameReader reader, CancellationToken ct)
    {
        var buffer = new byte[4096];
        byte[] frame;
        while (!reader.TryReadFrame(out frame))
        {
            var result = await webSocket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("The client closed the connection.");
            }
            reader.Append(buffer.AsSpan(0, result.Count));
        }
        return frame;
    }
}
