namespace CodeChat.WhatsApp.Binary;

/// <summary>Tag bytes of the binary XML encoding (whatsapp-protocol.md §3.2).</summary>
internal static class WaBinaryTags
{
    public const byte ListEmpty = 0;
    public const byte Dictionary0 = 236;
    public const byte Dictionary3 = 239;
    public const byte InteropJid = 245;
    public const byte FbJid = 246;
    public const byte AdJid = 247;
    public const byte List8 = 248;
    public const byte List16 = 249;
    public const byte JidPair = 250;
    public const byte Hex8 = 251;
    public const byte Binary8 = 252;
    public const byte Binary20 = 253;
    public const byte Binary32 = 254;
    public const byte Nibble8 = 255;

    /// <summary>Longest string the packed nibble/hex forms may carry.</summary>
    public const int PackedMax = 127;

    /// <summary>Frame flag bit meaning "the rest of the frame is a zlib stream" (§1.4).</summary>
    public const byte CompressedFlag = 0x02;
}
