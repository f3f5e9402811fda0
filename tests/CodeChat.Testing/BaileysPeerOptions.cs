namespace CodeChat.Testing;

/// <summary>How to start one Baileys interop peer (tests/interop/driver.mjs).</summary>
public sealed record BaileysPeerOptions
{
    /// <summary>Name used in diagnostics only (e.g. "alice").</summary>
    public required string Name { get; init; }

    /// <summary>WebSocket endpoint of the emulator, e.g. ws://127.0.0.1:5000/ws/chat.</summary>
    public required Uri EmulatorUrl { get; init; }

    /// <summary>Emulator's certificate root public key (32 bytes), so Baileys trusts its chain.</summary>
    public ReadOnlyMemory<byte>? TrustedRootKey { get; init; }

    /// <summary>File the driver keeps creds and Signal keys in; null keeps them in memory only.</summary>
    public string? CredsFile { get; init; }

    /// <summary>
    /// PEM file with extra certificate authorities Node must trust (NODE_EXTRA_CA_CERTS), e.g. the emulator's
    /// media host CA; null leaves Node's trust store alone.
    /// </summary>
    public string? ExtraCaCertificatesFile { get; init; }

    /// <summary>pino level for Baileys' own logs (they go to stderr).</summary>
    public string LogLevel { get; init; } = "silent";

    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Default wait for events and command results.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
