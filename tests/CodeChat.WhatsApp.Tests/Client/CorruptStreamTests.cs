using System.Diagnostics;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Threading.Channels;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.ServerSide;
using CodeChat.WhatsApp.Socket;
using CodeChat.WhatsApp.Store;
using CodeChat.WhatsApp.Tests.Socket;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// WaClient over the real WebSocket + Noise transport when the server's byte stream goes bad: every
/// kind of transport corruption must end that connection at once and reconnect with the back-off,
/// not leave the client deaf until the keepalive gives up (whatsapp-protocol.md §1.3, §2.5, §5.6).
/// </summary>
public sealed class CorruptStreamTests
{
    // The socket's default stall limit is 5 s; everything else must be near-instant.
    private static readonly TimeSpan FaultWithin = TimeSpan.FromSeconds(12);

    public enum Corruption
    {
        /// <summary>Random bytes without framing: the first three read as a length far beyond what follows.</summary>
        UnframedGarbage,

        /// <summary>A correctly length-prefixed frame whose payload is random: AES-GCM rejects it.</summary>
        UndecryptableFrame,

        /// <summary>A frame the server encrypted properly whose plaintext is not a WABinary node.</summary>
        UndecodableFrame,
    }

    [Theory]
    [InlineData(Corruption.UnframedGarbage)]
    [InlineData(Corruption.UndecryptableFrame)]
    [InlineData(Corruption.UndecodableFrame)]
    public async Task Corrupt_server_bytes_fault_the_connection_and_the_client_reconnects(Corruption corruption)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await NoiseServer.StartAsync();
        await using var client = new WaClient(server.ClientOptions, new InMemoryDeviceStore());
        await client.ConnectAsync(ct);
        var first = await server.NextAsync(ct);

        var clock = Stopwatch.StartNew();
        switch (corruption)
        {
            case Corruption.UnframedGarbage:
                // 0x7F.. announces a ~8 MB frame; only 40 bytes ever come.
                var garbage = RandomNumberGenerator.GetBytes(40);
                garbage[0] = 0x7F;
                await first.WebSocket.SendAsync(garbage, WebSocketMessageType.Binary, true, ct);
                break;
            case Corruption.UndecryptableFrame:
                await first.WebSocket.SendAsync(FrameCodec.EncodeFrame(RandomNumberGenerator.GetBytes(64)), WebSocketMessageType.Binary, true, ct);
                break;
            case Corruption.UndecodableFrame:
                // Flag byte only: authenticated, but there is no node to decode.
                await first.SendEncryptedAsync([0x00], ct);
                break;
        }

        var lost = await WaitForAsync<DisconnectedEvent>(client, ct);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, FaultWithin);
        Assert.Equal(DisconnectReason.ConnectionLost, lost.Reason);
        Assert.True(lost.WillReconnect);
        // The client closed its side: the server's frame stream ends.
        await first.Closed.WaitAsync(FaultWithin, ct);
        // And it came back on a fresh connection after the (short) back-off.
        var second = await server.NextAsync(ct);
        Assert.NotSame(first, second);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, FaultWithin + TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task The_client_options_incomplete_frame_stall_limit_reaches_the_socket()
    {
        // WaClientOptions.IncompleteFrameStallTimeout must be what NoiseSocket waits for: with a 300 ms
        // limit a stalled frame faults long before the socket's 5 s default would.
        var ct = TestContext.Current.CancellationToken;
        await using var server = await NoiseServer.StartAsync();
        var options = server.ClientOptions with { IncompleteFrameStallTimeout = TimeSpan.FromMilliseconds(300) };
        await using var client = new WaClient(options, new InMemoryDeviceStore());
        await client.ConnectAsync(ct);
        var first = await server.NextAsync(ct);

        var clock = Stopwatch.StartNew();
        var garbage = RandomNumberGenerator.GetBytes(40);
        garbage[0] = 0x7F;
        await first.WebSocket.SendAsync(garbage, WebSocketMessageType.Binary, true, ct);

        var lost = await WaitForAsync<DisconnectedEvent>(client, ct);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.Equal(DisconnectReason.ConnectionLost, lost.Reason);
    }

    [Fact]
    public void Client_options_reject_a_frame_limit_shorter_than_the_stall_limit()
    {
        var options = new WaClientOptions { IncompleteFrameStallTimeout = TimeSpan.FromSeconds(10), IncompleteFrameTimeout = TimeSpan.FromSeconds(5) };
        Assert.Throws<ArgumentException>(() => options.Validate());
        Assert.Throws<ArgumentException>(() => (options with { IncompleteFrameStallTimeout = TimeSpan.Zero }).Validate());
    }

    [Fact]
    public async Task A_frame_split_across_websocket_messages_is_still_accepted()
    {
        // §1.3: frames may be split across messages; the stall limit must not reject a slow but live frame.
        var ct = TestContext.Current.CancellationToken;
        await using var server = await NoiseServer.StartAsync();
        await using var client = new WaClient(server.ClientOptions, new InMemoryDeviceStore());
        await client.ConnectAsync(ct);
        var first = await server.NextAsync(ct);

        var pairDevice = WaBinaryEncoder.Encode(new Node("iq",
            [new("from", Jid.ServerJid), new("type", "set"), new("id", "pd"), new("xmlns", "md")],
            new Node("pair-device", default, new Node("ref", default, "2@split"u8.ToArray()))));
        var frame = FrameCodec.EncodeFrame(first.Encrypt(pairDevice));
        await first.WebSocket.SendAsync(frame.AsMemory(0, 2), WebSocketMessageType.Binary, true, ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        await first.WebSocket.SendAsync(frame.AsMemory(2, 10), WebSocketMessageType.Binary, true, ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        await first.WebSocket.SendAsync(frame.AsMemory(12), WebSocketMessageType.Binary, true, ct);

        var qr = await WaitForAsync<QrCodeEvent>(client, ct);
        Assert.Contains("2@split,", qr.Code, StringComparison.Ordinal);
        Assert.False(first.Closed.IsCompleted);
    }

    private static async Task<T> WaitForAsync<T>(WaClient client, CancellationToken ct) where T : WaEvent
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await foreach (var next in client.ReadEventsAsync(timeout.Token))
        {
            if (next is T typed)
            {
                return typed;
            }
        }
        throw new InvalidOperationException($"No {typeof(T).Name} event.");
    }

    /// <summary>A loopback Noise responder that hands each accepted connection (and its raw WebSocket) to the test.</summary>
    private sealed class NoiseServer : IAsyncDisposable
    {
        private readonly Curve25519KeyPair _root = Curve25519KeyPair.Generate();
        private readonly Curve25519KeyPair _static = Curve25519KeyPair.Generate();
        private readonly Channel<Accepted> _accepted = Channel.CreateUnbounded<Accepted>();
        private readonly TaskCompletionSource _disposing = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private LoopbackWebSocketServer _server = null!;

        public WaClientOptions ClientOptions => new()
        {
            Url = _server.Url,
            TrustedRootPublicKey = _root.PublicKey,
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        };

        public static async Task<NoiseServer> StartAsync()
        {
            var server = new NoiseServer();
            server._server = await LoopbackWebSocketServer.StartAsync(server.ServeAsync);
            return server;
        }

        public async Task<Accepted> NextAsync(CancellationToken ct) =>
            await _accepted.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct);

        private async Task ServeAsync(WebSocket webSocket)
        {
            var now = DateTimeOffset.UtcNow;
            // A hand-driven responder that keeps its write cipher, so tests can put encrypted frames on
            // the wire in pieces and garbage next to them.
            using var handshake = new NoiseServerHandshake(_static, CertificateChainBuilder.Build(_root, Curve25519KeyPair.Generate(), _static.PublicKey, now.AddDays(-1), now.AddDays(1)));
            var reader = new FrameReader(expectIntroHeader: true);
            handshake.ProcessClientHello(await ReceiveFrameAsync(webSocket, reader));
            await webSocket.SendAsync(FrameCodec.EncodeFrame(handshake.CreateServerHello()), WebSocketMessageType.Binary, true, CancellationToken.None);
            handshake.ProcessClientFinish(await ReceiveFrameAsync(webSocket, reader));
            using var writer = new NoiseCipher(handshake.Finish().ResponderToInitiator);
            var accepted = new Accepted(webSocket, writer);
            _accepted.Writer.TryWrite(accepted);
            // Returning from the handler completes the HTTP response, and Kestrel then refuses every
            // write on it. The client closes as soon as it reads a corrupt frame, which can be before
            // the test's own SendAsync of that frame has finished flushing; so the connection stays
            // the test's until the server is disposed, not merely until the client has closed.
            await accepted.Closed;
            await _disposing.Task;
        }

        private static async Task<byte[]> ReceiveFrameAsync(WebSocket webSocket, FrameReader reader)
        {
            var buffer = new byte[4096];
            byte[] frame;
            while (!reader.TryReadFrame(out frame))
            {
                var result = await webSocket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new InvalidOperationException("The client closed during the handshake.");
                }
                reader.Append(buffer.AsSpan(0, result.Count));
            }
            return frame;
        }

        public ValueTask DisposeAsync()
        {
            _disposing.TrySetResult();
            return _server.DisposeAsync();
        }
    }

    /// <summary>
    /// One accepted connection: the raw WebSocket, the server's transport write cipher, and
    /// <see cref="Closed"/>, which completes once the client closed or aborted the WebSocket.
    /// </summary>
    private sealed class Accepted
    {
        private readonly NoiseCipher _writer;

        public Accepted(WebSocket webSocket, NoiseCipher writer)
        {
            WebSocket = webSocket;
            _writer = writer;
            Closed = DrainUntilClosedAsync();
        }

        public WebSocket WebSocket { get; }

        public Task Closed { get; }

        public byte[] Encrypt(byte[] plaintext) => _writer.Encrypt(plaintext);

        public async Task SendEncryptedAsync(byte[] plaintext, CancellationToken ct) =>
            await WebSocket.SendAsync(FrameCodec.EncodeFrame(Encrypt(plaintext)), WebSocketMessageType.Binary, true, ct);

        private async Task DrainUntilClosedAsync()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var result = await WebSocket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }
                }
            }
            catch (WebSocketException)
            {
                // Aborted by the client: closed as well.
            }
        }
    }
}
