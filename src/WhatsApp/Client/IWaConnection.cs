using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;

namespace CodeChat.WhatsApp.Client;

/// <summary>One established, encrypted connection carrying nodes (the Noise socket in production, fakes in tests).</summary>
public interface IWaConnection : IAsyncDisposable
{
    /// <summary>Sends one node; throws when the connection is closed.</summary>
    ValueTask SendAsync(Node node, CancellationToken cancellationToken = default);

    /// <summary>Incoming nodes in order; completes when the peer closes, faults when the connection fails.</summary>
    IAsyncEnumerable<Node> ReadNodesAsync(CancellationToken cancellationToken = default);

    /// <summary>Closes cleanly; pending reads complete.</summary>
    Task CloseAsync(CancellationToken cancellationToken = default);
}

/// <summary>Opens connections: WebSocket, Noise handshake with the given ClientPayload, transport mode.</summary>
public interface IWaConnector
{
    Task<IWaConnection> ConnectAsync(Curve25519KeyPair noiseKey, ClientPayload payload, CancellationToken cancellationToken = default);
}
