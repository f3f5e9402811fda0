using CodeChat.WhatsApp.Binary;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>An established (post-handshake) connection as the chat server sees it: nodes in, nodes out.</summary>
internal interface IChatTransport
{
    /// <summary>Noise static key the client proved it holds (32 bytes).</summary>
    ReadOnlyMemory<byte> ClientStaticKey { get; }

    /// <summary>Sends one node as one frame; callers serialise (the session's writer loop does).</summary>
    Task SendAsync(Node node, CancellationToken cancellationToken);

    /// <summary>Next node from the client, or null when the client closed the connection.</summary>
    Task<Node?> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>Closes the connection (the client sees the socket end).</summary>
    Task CloseAsync(CancellationToken cancellationToken);
}
