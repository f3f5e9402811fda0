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

    /// <summary>How long a clean close waits for the peer's close reply before aborting.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
