namespace CodeChat.WhatsApp.Binary;

/// <summary>Bounds the decoder enforces so hostile frames fail fast instead of exhausting the process.</summary>
public sealed record WaBinaryLimits
{
    public const int DefaultMaxDepth = 64;

    /// <summary>Frames are at most 2^24 bytes (§1.3); inflated bodies get headroom beyond that.</summary>
    public const int DefaultMaxDecompressedBytes = 32 * 1024 * 1024;

    public const int DefaultMaxNodes = 1_000_000;

    public static WaBinaryLimits Default { get; } = new();

    /// <summary>Deepest node nesting accepted (real stanzas stay below ~10).</summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    /// <summary>Largest body a compressed frame may inflate to (decompression-bomb guard).</summary>
    public int MaxDecompressedBytes { get; init; } = DefaultMaxDecompressedBytes;

    /// <summary>Most nodes one frame may hold.</summary>
    public int MaxNodes { get; init; } = DefaultMaxNodes;
}
