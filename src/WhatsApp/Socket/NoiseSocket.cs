using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Threading.Channels;
using CodeChat.WhatsApp.Crypto;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CodeChat.WhatsApp.Socket;

/// <summary>
/// An encrypted WhatsApp connection over any <see cref="WebSocket"/>, client or server side.
/// After the handshake, <see cref="SendAsync"/> encrypts through a single writer pump, so the
/// nonce counter always matches the order frames hit the wire, and <see cref="Frames"/> yields
/// decrypted frames as flag byte + node, already inflated when the peer compressed them.
/// A frame that fails authentication closes the socket and faults <see cref="Frames"/> with
/// <see cref="NoiseDecryptionException"/>; a frame whose announced length never arrives (garbage on
/// the wire) does the same with <see cref="NoiseFrameException"/> after
/// <see cref="NoiseSocketOptions.IncompleteFrameStallTimeout"/>.
/// </summary>
public sealed partial class NoiseSocket : IAsyncDisposable
{
    private const int ReceiveBufferSize = 64 * 1024;

    private readonly WebSocket _webSocket;
    private readonly FrameReader _frameReader;
    private readonly NoiseCipher _writeCipher;
    private readonly NoiseCipher _readCipher;
    private readonly NoiseSocketOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<OutgoingFrame> _outgoing = Channel.CreateUnbounded<OutgoingFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<ReadOnlyMemory<byte>> _incoming;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Task _sendLoop;
    private readonly Task _receiveLoop;
    private int _closeRequested;
    private int _disposed;

    private NoiseSocket(
        WebSocket webSocket,
        FrameReader frameReader,
        NoiseTransportKeys keys,
        bool isClient,
        Curve25519PublicKey remoteStaticKey,
        ReadOnlyMemory<byte> clientPayload,
        NoiseSocketOptions options,
        ILogger logger)
    {
        _webSocket = webSocket;
        _frameReader = frameReader;
        _options = options;
        _logger = logger;
        RemoteStaticKey = remoteStaticKey;
        ClientPayload = clientPayload;
        _writeCipher = new NoiseCipher(isClient ? keys.InitiatorToResponder : keys.ResponderToInitiator);
        _readCipher = new NoiseCipher(isClient ? keys.ResponderToInitiator : keys.InitiatorToResponder);
        _incoming = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(options.ReceiveQueueCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _sendLoop = Task.Run(SendLoopAsync);
        _receiveLoop = Task.Run(ReceiveLoopAsync);
        Completion = Task.WhenAll(_sendLoop, _receiveLoop);
    }

    /// <summary>The peer's static key: the server key on the client side, the client's noise key on the server side.</summary>
    public Curve25519PublicKey RemoteStaticKey { get; }

    /// <summary>Server side: the decrypted ClientPayload bytes from ClientFinish. Empty on the client side.</summary>
    public ReadOnlyMemory<byte> ClientPayload { get; }

    /// <summary>
    /// Decrypted frames in arrival order. Completes when the peer closes; faults with a
    /// <see cref="NoiseException"/> when the connection fails.
    /// </summary>
    public ChannelReader<ReadOnlyMemory<byte>> Frames => _incoming.Reader;

    /// <summary>
    /// Decrypted frames until the peer closes. A failure surfaces as the typed
    /// <see cref="NoiseException"/> (e.g. <see cref="NoiseDecryptionException"/>), not wrapped.
    /// </summary>
    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadFramesAsync(CancellationToken cancellationToken = default) =>
        _incoming.Reader.ReadAllAsync(cancellationToken);

    /// <summary>
    /// The next decrypted frame. Throws the typed <see cref="NoiseException"/> that failed the
    /// connection, or <see cref="NoiseConnectionClosedException"/> once the peer has closed cleanly.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        // WaitToReadAsync rethrows the completion exception itself; ReadAsync would wrap it.
        while (await _incoming.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_incoming.Reader.TryRead(out var frame))
            {
                return frame;
            }
        }
        throw new NoiseConnectionClosedException("The peer closed the connection.");
    }

    /// <summary>Completes when both the send pump and the receive loop have stopped.</summary>
    public Task Completion { get; }

    /// <summary>Opens a <see cref="ClientWebSocket"/> to <see cref="NoiseClientOptions.Url"/> and runs the client handshake.</summary>
    public static async Task<NoiseSocket> ConnectAsync(
        NoiseClientOptions options,
        Curve25519KeyPair noiseKey,
        ReadOnlyMemory<byte> clientPayload,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var webSocket = new ClientWebSocket();
        try
        {
            webSocket.Options.SetRequestHeader("Origin", options.Origin);
            webSocket.Options.SetRequestHeader("Cache-Control", "no-cache");
            webSocket.Options.SetRequestHeader("Pragma", "no-cache");
            if (options.UserAgent is not null)
            {
                webSocket.Options.SetRequestHeader("User-Agent", options.UserAgent);
            }
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connectTimeout.CancelAfter(options.HandshakeTimeout);
                await webSocket.ConnectAsync(options.Url, connectTimeout.Token).ConfigureAwait(false);
            }
            return await HandshakeAsClientAsync(webSocket, options, noiseKey, clientPayload, logger, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            webSocket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the client handshake over an already connected WebSocket. On failure the WebSocket is
    /// aborted and a <see cref="NoiseHandshakeException"/> (or <see cref="ServerCertificateException"/>) is thrown.
    /// </summary>
    public static async Task<NoiseSocket> HandshakeAsClientAsync(
        WebSocket webSocket,
        NoiseClientOptions options,
        Curve25519KeyPair noiseKey,
        ReadOnlyMemory<byte> clientPayload,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webSocket);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(noiseKey);
        logger ??= NullLogger.Instance;
        var frameReader = new FrameReader(expectIntroHeader: false, options.MaxFrameLength);
        using var handshake = new NoiseClientHandshake(noiseKey, options.CertificateVerifier, options.EphemeralKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HandshakeTimeout);
        try
        {
            var intro = FrameCodec.BuildIntroHeader(options.EdgeRoutingInfo.Span);
            await SendHandshakeFrameAsync(webSocket, FrameCodec.EncodeFrame(handshake.CreateClientHello(), intro), timeout.Token).ConfigureAwait(false);
            var serverHello = await ReadHandshakeFrameAsync(webSocket, frameReader, timeout.Token).ConfigureAwait(false);
            var result = handshake.ProcessServerHello(serverHello);
            await SendHandshakeFrameAsync(webSocket, FrameCodec.EncodeFrame(handshake.CreateClientFinish(clientPayload.Span)), timeout.Token).ConfigureAwait(false);
            var keys = handshake.Finish();
            return FromCompletedHandshake(webSocket, frameReader, keys, isClient: true, result.ServerStaticKey, ReadOnlyMemory<byte>.Empty, options, logger);
        }
        catch (Exception exception)
        {
            throw HandshakeFailure(webSocket, exception, logger, cancellationToken);
        }
    }

    /// <summary>
    /// Wraps a WebSocket whose handshake has just completed. The client side reaches this through
    /// <see cref="HandshakeAsClientAsync"/>; it is public because the server side of the handshake
    /// (WhatsApp's, which this library does not ship) lives with the test emulator and ends the same way.
    /// </summary>
    /// <param name="frameReader">The reader the handshake frames came through (it may hold bytes of the first transport frame).</param>
    /// <param name="isClient">True on the initiator's side: it writes with <see cref="NoiseTransportKeys.InitiatorToResponder"/>.</param>
    /// <param name="clientPayload">Server side: the decrypted ClientPayload bytes; empty on the client side.</param>
    public static NoiseSocket FromCompletedHandshake(
        WebSocket webSocket,
        FrameReader frameReader,
        NoiseTransportKeys keys,
        bool isClient,
        Curve25519PublicKey remoteStaticKey,
        ReadOnlyMemory<byte> clientPayload,
        NoiseSocketOptions options,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(webSocket);
        ArgumentNullException.ThrowIfNull(frameReader);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(remoteStaticKey);
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        Log.HandshakeCompleted(logger, isClient ? "client" : "server", remoteStaticKey.ToString());
        return new NoiseSocket(webSocket, frameReader, keys, isClient, remoteStaticKey, clientPayload, options, logger);
    }

    /// <summary>
    /// Encrypts and sends one frame. <paramref name="plaintext"/> is the full frame plaintext:
    /// flag byte then node, as the WABinary encoder produces it. Completes once written to the WebSocket.
    /// </summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken = default)
    {
        var frame = new OutgoingFrame(plaintext, cancellationToken);
        if (Volatile.Read(ref _closeRequested) != 0 || !_outgoing.Writer.TryWrite(frame))
        {
            throw new NoiseException("The socket is closed.");
        }
        using (cancellationToken.UnsafeRegister(static state => ((OutgoingFrame)state!).Completion.TrySetCanceled(), frame))
        {
            await frame.Completion.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Stops accepting sends, flushes queued frames, and performs the WebSocket close handshake.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
        {
            await WaitForLoopsAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        _outgoing.Writer.TryComplete();
        await _sendLoop.ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.CloseTimeout);
        try
        {
            if (_webSocket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closing", timeout.Token).ConfigureAwait(false);
            }
            await _receiveLoop.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            _webSocket.Abort();
        }
        _lifetime.Cancel();
        await WaitForLoopsAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        Interlocked.Exchange(ref _closeRequested, 1);
        _outgoing.Writer.TryComplete();
        // Cancel first: the loops then see their own token cancelled and stop quietly. Aborting first
        // let a pending receive fail with "Aborted" before the token said "disposing", and dispose threw.
        _lifetime.Cancel();
        if (_webSocket.State != WebSocketState.Closed)
        {
            _webSocket.Abort();
        }
        await WaitForLoopsAsync(CancellationToken.None).ConfigureAwait(false);
        _webSocket.Dispose();
        _writeCipher.Dispose();
        _readCipher.Dispose();
        _lifetime.Dispose();
    }

    /// <summary>
    /// Fails the connection at once because the layer above could not use a frame (for example it
    /// does not decode as a WABinary node): <see cref="Frames"/> faults with <paramref name="reason"/>
    /// and the WebSocket is closed with a protocol error, as for an undecryptable frame.
    /// </summary>
    public async Task FailAsync(NoiseException reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        Log.ConnectionFailed(_logger, reason.GetType().Name, reason.Message);
        // Complete first, so this reason wins over the receive loop seeing the socket go away.
        _incoming.Writer.TryComplete(reason);
        await CloseAfterProtocolErrorAsync().ConfigureAwait(false);
        Fail(reason);
    }

    private async Task WaitForLoopsAsync(CancellationToken cancellationToken)
    {
        // The loops never throw: failures are reported through Frames.
        await Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var frame in _outgoing.Reader.ReadAllAsync(_lifetime.Token).ConfigureAwait(false))
            {
                if (frame.Cancellation.IsCancellationRequested || frame.Completion.Task.IsCompleted)
                {
                    // Skipped before encryption, so no nonce is consumed for a frame never sent.
                    frame.Completion.TrySetCanceled(frame.Cancellation);
                    continue;
                }
                try
                {
                    var message = FrameCodec.EncodeFrame(_writeCipher.Encrypt(frame.Plaintext.Span));
                    await _webSocket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, _lifetime.Token).ConfigureAwait(false);
                    frame.Completion.TrySetResult();
                }
                catch (Exception exception) when (_lifetime.IsCancellationRequested)
                {
                    // Disposed mid-send: the frame is lost, but that is no connection failure to report.
                    frame.Completion.TrySetException(new NoiseException("The socket closed before the frame was sent.", exception));
                    break;
                }
                catch (Exception exception)
                {
                    frame.Completion.TrySetException(new NoiseException("Sending the frame failed.", exception));
                    Fail(new NoiseException("The connection failed while sending.", exception));
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
        _outgoing.Writer.TryComplete();
        while (_outgoing.Reader.TryRead(out var pending))
        {
            pending.Completion.TrySetException(new NoiseException("The socket closed before the frame was sent."));
        }
    }

    private async Task ReceiveLoopAsync()
    {
        // Rented only while bytes flow: an idle connection waits with a zero-byte receive and holds no
        // buffer (64 KB per connection otherwise, most of an idle instance's heap).
        byte[]? buffer = null;
        long? partialSince = null;
        try
        {
            while (true)
            {
                while (_frameReader.TryReadFrame(out var ciphertext))
                {
                    var plaintext = TransportFrames.Decompress(_readCipher.Decrypt(ciphertext), _options.MaxInflatedFrameLength);
                    await _incoming.Writer.WriteAsync(plaintext, _lifetime.Token).ConfigureAwait(false);
                }

                var now = Stopwatch.GetTimestamp();
                if (_frameReader.BufferedBytes == 0)
                {
                    partialSince = null;
                }
                else
                {
                    partialSince ??= now;
                }
                if (buffer is null && partialSince is null)
                {
                    // Completes when the next message starts arriving (ManagedWebSocket supports zero-byte receives).
                    var next = await _webSocket.ReceiveAsync(Memory<byte>.Empty, _lifetime.Token).ConfigureAwait(false);
                    if (next.MessageType == WebSocketMessageType.Close)
                    {
                        await PeerClosedAsync().ConfigureAwait(false);
                        break;
                    }
                }
                buffer ??= ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
                var result = partialSince is { } since
                    ? await ReceiveRestOfFrameAsync(buffer, since, lastBytesAt: now).ConfigureAwait(false)
                    : await _webSocket.ReceiveAsync(buffer.AsMemory(), _lifetime.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await PeerClosedAsync().ConfigureAwait(false);
                    break;
                }
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    _frameReader.Append(buffer.AsSpan(0, result.Count));
                }
                if (result.EndOfMessage)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException
            && (_lifetime.IsCancellationRequested || Volatile.Read(ref _closeRequested) != 0))
        {
            // We are closing or disposing: however the pending receive ended, the stream simply ends.
            _incoming.Writer.TryComplete();
        }
        catch (ChannelClosedException)
        {
            // Frames was completed from outside (FailAsync or the send pump failing): nothing left to deliver.
        }
        catch (NoiseException exception)
        {
            Log.ConnectionFailed(_logger, exception.GetType().Name, exception.Message);
            await CloseAfterProtocolErrorAsync().ConfigureAwait(false);
            Fail(exception);
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Also an abort from FailAsync or CloseAsync while a receive was pending (it can surface as a cancellation).
            Fail(Volatile.Read(ref _closeRequested) != 0
                ? null
                : new NoiseException("The WebSocket connection was lost.", exception));
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        _outgoing.Writer.TryComplete();
    }

    private async Task PeerClosedAsync()
    {
        await AcknowledgeCloseAsync().ConfigureAwait(false);
        Log.PeerClosed(_logger, _webSocket.CloseStatus?.ToString() ?? "none");
        _incoming.Writer.TryComplete();
    }

    /// <summary>
    /// Receives while part of a frame is buffered: the rest must arrive within the stall and total
    /// limits, otherwise the length prefix was garbage and the stream cannot be resynchronised.
    /// </summary>
    private async Task<ValueWebSocketReceiveResult> ReceiveRestOfFrameAsync(byte[] buffer, long partialSince, long lastBytesAt)
    {
        var untilStall = _options.IncompleteFrameStallTimeout - Stopwatch.GetElapsedTime(lastBytesAt);
        var untilLimit = _options.IncompleteFrameTimeout - Stopwatch.GetElapsedTime(partialSince);
        var wait = untilStall < untilLimit ? untilStall : untilLimit;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        deadline.CancelAfter(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
        try
        {
            return await _webSocket.ReceiveAsync(buffer.AsMemory(), deadline.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException
            && deadline.IsCancellationRequested && !_lifetime.IsCancellationRequested)
        {
            var announced = _frameReader.PendingFrameLength is { } length ? $"{length}-byte" : "length-prefixed";
            throw new NoiseFrameException(
                $"A {announced} frame stayed incomplete ({_frameReader.BufferedBytes} bytes arrived); the stream is corrupt.", exception);
        }
    }

    private async Task AcknowledgeCloseAsync()
    {
        if (_webSocket.State != WebSocketState.CloseReceived)
        {
            return;
        }
        try
        {
            using var timeout = new CancellationTokenSource(_options.CloseTimeout);
            await _webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closing", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            _webSocket.Abort();
        }
    }

    private async Task CloseAfterProtocolErrorAsync()
    {
        Interlocked.Exchange(ref _closeRequested, 1);
        try
        {
            using var timeout = new CancellationTokenSource(_options.CloseTimeout);
            if (_webSocket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _webSocket.CloseOutputAsync(WebSocketCloseStatus.ProtocolError, "noise failure", timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The close handshake is best effort after a protocol error.
        }
        _webSocket.Abort();
    }

    private void Fail(NoiseException? exception)
    {
        Interlocked.Exchange(ref _closeRequested, 1);
        _incoming.Writer.TryComplete(exception);
        _outgoing.Writer.TryComplete();
        if (exception is not null && _webSocket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            _webSocket.Abort();
        }
    }

    // The three handshake helpers below are public for the same reason as FromCompletedHandshake:
    // the server side of the handshake, kept out of this library, frames its messages the same way.

    /// <summary>Sends one already framed handshake message (<see cref="FrameCodec.EncodeFrame"/>) as a binary WebSocket message.</summary>
    public static async Task SendHandshakeFrameAsync(WebSocket webSocket, byte[] frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webSocket);
        await webSocket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the next handshake frame, however the peer split it across WebSocket messages.</summary>
    /// <exception cref="NoiseHandshakeException">The peer closed the connection.</exception>
    public static async Task<byte[]> ReadHandshakeFrameAsync(WebSocket webSocket, FrameReader frameReader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webSocket);
        ArgumentNullException.ThrowIfNull(frameReader);
        var buffer = new byte[ReceiveBufferSize];
        while (true)
        {
            if (frameReader.TryReadFrame(out var frame))
            {
                return frame;
            }
            var result = await webSocket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new NoiseHandshakeException($"The peer closed the connection during the handshake ({webSocket.CloseStatus}).");
            }
            if (result.MessageType == WebSocketMessageType.Binary)
            {
                frameReader.Append(buffer.AsSpan(0, result.Count));
            }
        }
    }

    /// <summary>
    /// Aborts the WebSocket of a failed handshake and returns the exception to throw: a timeout or a
    /// broken connection becomes a <see cref="NoiseHandshakeException"/>, the caller's own
    /// cancellation stays an <see cref="OperationCanceledException"/>.
    /// </summary>
    public static Exception HandshakeFailure(WebSocket webSocket, Exception exception, ILogger logger, CancellationToken callerToken)
    {
        ArgumentNullException.ThrowIfNull(webSocket);
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(logger);
        webSocket.Abort();
        var failure = exception switch
        {
            NoiseException noise => noise,
            OperationCanceledException when callerToken.IsCancellationRequested => exception,
            OperationCanceledException => new NoiseHandshakeException("The handshake timed out.", exception),
            WebSocketException => new NoiseHandshakeException("The connection failed during the handshake.", exception),
            _ => exception,
        };
        if (failure is NoiseException)
        {
            Log.HandshakeFailed(logger, failure.GetType().Name, failure.Message);
        }
        return failure;
    }

    private sealed class OutgoingFrame(ReadOnlyMemory<byte> plaintext, CancellationToken cancellation)
    {
        public ReadOnlyMemory<byte> Plaintext { get; } = plaintext;

        public CancellationToken Cancellation { get; } = cancellation;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Noise handshake completed as {Role}; remote static key {RemoteStaticKey}")]
        public static partial void HandshakeCompleted(ILogger logger, string role, string remoteStaticKey);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Noise handshake failed: {ErrorType}: {ErrorMessage}")]
        public static partial void HandshakeFailed(ILogger logger, string errorType, string errorMessage);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Noise connection failed: {ErrorType}: {ErrorMessage}")]
        public static partial void ConnectionFailed(ILogger logger, string errorType, string errorMessage);

        [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Peer closed the Noise connection with status {CloseStatus}")]
        public static partial void PeerClosed(ILogger logger, string closeStatus);
    }
}
