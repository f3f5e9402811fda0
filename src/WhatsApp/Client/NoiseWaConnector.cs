using System.Runtime.CompilerServices;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Socket;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

/// <summary>The production connector: <see cref="NoiseSocket"/> over a ClientWebSocket to <see cref="WaClientOptions.Url"/>.</summary>
public sealed class NoiseWaConnector : IWaConnector
{
    private readonly WaClientOptions _options;
    private readonly ILogger _logger;
    private readonly CertificateChainVerifier _verifier;

    public NoiseWaConnector(WaClientOptions options, ILogger logger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _logger = logger;
        _verifier = options.CertificateVerifier
            ?? new CertificateChainVerifier(options.TrustedRootPublicKey, options.TrustedRootSerial, timeProvider);
    }

    public async Task<IWaConnection> ConnectAsync(Curve25519KeyPair noiseKey, ClientPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var socketOptions = new NoiseClientOptions
        {
            Url = _options.Url,
            Origin = _options.Origin,
            CertificateVerifier = _verifier,
            HandshakeTimeout = _options.HandshakeTimeout,
            IncompleteFrameStallTimeout = _options.IncompleteFrameStallTimeout,
            IncompleteFrameTimeout = _options.IncompleteFrameTimeout,
        };
        var socket = await NoiseSocket.ConnectAsync(socketOptions, noiseKey, payload.ToByteArray(), _logger, cancellationToken).ConfigureAwait(false);
        return new NoiseWaConnection(socket);
    }

    private sealed class NoiseWaConnection(NoiseSocket socket) : IWaConnection
    {
        public ValueTask SendAsync(Node node, CancellationToken cancellationToken = default) =>
            socket.SendAsync(WaBinaryEncoder.Encode(node), cancellationToken);

        public async IAsyncEnumerable<Node> ReadNodesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var frame in socket.Frames.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                Node node;
                try
                {
                    node = WaBinaryDecoder.Decode(frame.Span);
                }
                catch (WaBinaryException exception)
                {
                    // An authenticated frame that is not a node means the stream itself is broken; waiting
                    // for the keepalive to notice would leave the instance deaf for minutes.
                    var failure = new NoiseFrameException("A decrypted frame is not a WABinary node.", exception);
                    await socket.FailAsync(failure).ConfigureAwait(false);
                    throw failure;
                }
                yield return node;
            }
        }

        public Task CloseAsync(CancellationToken cancellationToken = default) => socket.CloseAsync(cancellationToken);

        public ValueTask DisposeAsync() => socket.DisposeAsync();
    }
}
