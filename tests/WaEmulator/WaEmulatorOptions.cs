namespace CodeChat.WaEmulator;

/// <summary>Settings of one emulator instance.</summary>
public sealed record WaEmulatorOptions
{
    /// <summary>Loopback port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Largest accepted frame payload; WhatsApp's own limit is 16 MiB (whatsapp-protocol.md §1.1).</summary>
    public int MaxFrameSize { get; init; } = (1 << 24) - 1;

    /// <summary>A client that has not finished the Noise handshake by then is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Loopback port of the HTTPS media host; 0 picks a free one.</summary>
    public int MediaPort { get; init; }

    /// <summary>How many QR refs a registering client gets before it gives up (the real server sends 6).</summary>
    public int QrRefCount { get; init; } = 6;
}
