using System.Net.WebSockets;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.ServerSide;
using CodeChat.WhatsApp.Socket;
using Microsoft.Extensions.Logging;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>The chat server's side of a connection: Noise responder from CodeChat.WhatsApp.Socket, WABinary on top.</summary>
internal sealed class NoiseChatTransport : IChatTransport, IAsyncDisposable
{
    private readonly NoiseSocket _socket;

    private NoiseChatTransport(NoiseSocket socket) => _socket = socket;

    public ReadOnlyMemory<byte> ClientStaticKey => _socket.RemoteStaticKey.Raw32;

    /// <summary>Runs the handshake; the ClientPayload decides between registration and login.</summary>
    public static async Task<(NoiseChatTransport Transport, ClientPayload Payload)> AcceptAsync(
        WebSocket webSocket,
        EmulatorCertificates certificates,
        WaEmulatorOptions options,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var socket = await NoiseServerSocket.AcceptAsync(
            webSocket,
            new NoiseServerOptions
            {
                StaticKey = certificates.ServerStaticKey,
                CertificateChain = certificates.CertificateChain,
                MaxFrameLength = options.MaxFrameSize,
                HandshakeTimeout = options.HandshakeTimeout,
            },
            logger,
            cancellationToken);
        try
        {
            return (new NoiseChatTransport(socket), ClientPayload.Parser.ParseFrom(socket.ClientPayload.Span));
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }

    public Task SendAsync(Node node, CancellationToken cancellationToken) =>
        _socket.SendAsync(WaBinaryEncoder.Encode(node), cancellationToken).AsTask();

    public async Task<Node?> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (!await _socket.Frames.WaitToReadAsync(cancellationToken))
        {
            return null;
        }

        var frame = await _socket.Frames.ReadAsync(cancellationToken);
        return WaBinaryDecoder.Decode(frame.Span);
    }

    public Task CloseAsync(CancellationToken cancellationToken) => _socket.CloseAsync(cancellationToken);

    public ValueTask DisposeAsync() => _socket.DisposeAsync();
}
