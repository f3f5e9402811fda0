namespace CodeChat.WhatsApp.Socket;

/// <summary>Limits shared by the client and server sides of a <see cref="NoiseSocket"/>.</summary>
public class NoiseSocketOptions
{
    /// <summary>Time allowed for the whole handshake (whatsmeow and Baileys use 20 s).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Largest accepted frame payload; at most 2^24 − 1.</summary>
    public int MaxFrameLength { get; init; } = NoiseConstants.MaxFrameLength;

    /// <summary>Largest accepted node after inflating a compressed frame.</summary>
    public int MaxInflatedFrameLength { get; init; } = TransportFrames.DefaultMaxInflatedLength;

    /// <summary>Decrypted frames buffered before the receive loop waits for the consumer (back-pressure).</summary>
    public int ReceiveQueueCapacity { get; init; } = 256;

    /// <summary>
    /// Once part of a frame has arrived, the rest must follow without a pause longer than this, or the
    /// connection fails with <see cref="NoiseFrameException"/>. Frames may be split across WebSocket
    /// messages (whatsapp-protocol.md §1.3), but the server writes each one in a single burst: a frame
    /// that stops growing means its length prefix was garbage, and without this limit the connection
    /// would hang until the keepalive gives up minutes later.
    /// </summary>
    public TimeSpan IncompleteFrameStallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Upper bound on how long one frame may take to arrive in full, even while bytes keep coming in
    /// (a garbage length prefix would otherwise swallow the following good frames).
    /// </summary>
    public TimeSpan IncompleteFrameTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a clean close waits for the peer's close reply before aborting.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
