using System.Net.WebSockets;
using CodeChat.WhatsApp.Socket;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CodeChat.WhatsApp.ServerSide;

/// <summary>
/// Accepts a companion's connection as WhatsApp's server does: reads the intro header and
/// ClientHello, answers with ServerHello, reads ClientFinish, then hands the transport keys to a
/// <see cref="NoiseSocket"/>. The frame I/O is the library's own, so both sides frame the same way.
/// </summary>
public static class NoiseServerSocket
{
    /// <summary>
    /// Runs the server handshake over an accepted WebSocket. The returned socket carries the
    /// client's static key and decrypted ClientPayload; the caller decides whether to keep it.
    /// </summary>
    public static async Task<NoiseSocket> AcceptAsync(
        WebSocket webSocket,
        NoiseServerOptions options,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webSocket);
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var frameReader = new FrameReader(expectIntroHeader: true, options.MaxFrameLength);
        using var handshake = new NoiseServerHandshake(options.StaticKey, options.CertificateChain.Span, options.EphemeralKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HandshakeTimeout);
        try
        {
            var clientHello = await NoiseSocket.ReadHandshakeFrameAsync(webSocket, frameReader, timeout.Token).ConfigureAwait(false);
            if (!frameReader.IntroHeader.AsSpan().SequenceEqual(NoiseConstants.ConnectionHeader))
            {
                throw new NoiseHandshakeException($"Unsupported intro header {Convert.ToHexString(frameReader.IntroHeader ?? [])}.");
            }
            handshake.ProcessClientHello(clientHello);
            await NoiseSocket.SendHandshakeFrameAsync(webSocket, FrameCodec.EncodeFrame(handshake.CreateServerHello()), timeout.Token).ConfigureAwait(false);
            var clientFinish = await NoiseSocket.ReadHandshakeFrameAsync(webSocket, frameReader, timeout.Token).ConfigureAwait(false);
            var result = handshake.ProcessClientFinish(clientFinish);
            var keys = handshake.Finish();
            return NoiseSocket.FromCompletedHandshake(webSocket, frameReader, keys, isClient: false, result.ClientStaticKey, result.ClientPayload, options, logger);
        }
        catch (Exception exception)
        {
            throw NoiseSocket.HandshakeFailure(webSocket, exception, logger, cancellationToken);
        }
    }
}
