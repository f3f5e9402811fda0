namespace CodeChat.WhatsApp.Socket;

/// <summary>Fixed values of WhatsApp's Noise transport (whatsapp-protocol.md §1–§2).</summary>
public static class NoiseConstants
{
    /// <summary>"WA", magic 6, binary-dictionary version 3. Sent once before the first frame and used as Noise prologue.</summary>
    public static ReadOnlySpan<byte> ConnectionHeader => "WA\u0006\u0003"u8;

    /// <summary>Prefix of the optional edge-routing pre-intro: "ED", 0, 1.</summary>
    public static ReadOnlySpan<byte> EdgeRoutingMagic => "ED\u0000\u0001"u8;

    /// <summary>"Noise_XX_25519_AESGCM_SHA256" padded to 32 bytes: used directly as h, ck and k (pitfall P12).</summary>
    public static ReadOnlySpan<byte> ProtocolName => "Noise_XX_25519_AESGCM_SHA256\0\0\0\0"u8;

    /// <summary>Largest payload a 3-byte length prefix can describe.</summary>
    public const int MaxFrameLength = (1 << 24) - 1;

    public const int FrameLengthPrefix = 3;

    /// <summary>Flag bit in the first plaintext byte of a transport frame: the body is zlib-compressed.</summary>
    public const byte CompressedFlag = 0x02;

    /// <summary>WhatsApp's production root ("WhatsAppLongTerm1") Curve25519 public key.</summary>
    public static ReadOnlySpan<byte> WhatsAppRootPublicKey =>
    [
        0x14, 0x23, 0x75, 0x57, 0x4d, 0x0a, 0x58, 0x71, 0x66, 0xaa, 0xe7, 0x1e, 0xbe, 0x51, 0x64, 0x37,
        0xc4, 0xa2, 0x8b, 0x73, 0xe3, 0x69, 0x5c, 0x6c, 0xe1, 0xf7, 0xf9, 0x54, 0x5d, 0xa8, 0xee, 0x6b,
    ];

    /// <summary>Serial of the root certificate; the intermediate's issuerSerial must equal it.</summary>
    public const uint WhatsAppRootSerial = 0;
}
