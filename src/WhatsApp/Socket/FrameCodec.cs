namespace CodeChat.WhatsApp.Socket;

/// <summary>Writes WhatsApp frames: 3-byte big-endian length followed by the payload (whatsapp-protocol.md §1.3).</summary>
public static class FrameCodec
{
    /// <summary>
    /// The bytes sent once before the first frame: the optional edge-routing pre-intro
    /// ("ED" 00 01, 3-byte length, routing info) followed by "WA" 06 03.
    /// </summary>
    public static byte[] BuildIntroHeader(ReadOnlySpan<byte> edgeRoutingInfo = default)
    {
        if (edgeRoutingInfo.IsEmpty)
        {
            return NoiseConstants.ConnectionHeader.ToArray();
        }
        if (edgeRoutingInfo.Length > NoiseConstants.MaxFrameLength)
        {
            throw new ArgumentException("Edge-routing info does not fit a 3-byte length.", nameof(edgeRoutingInfo));
        }
        var header = new byte[NoiseConstants.EdgeRoutingMagic.Length + NoiseConstants.FrameLengthPrefix + edgeRoutingInfo.Length + NoiseConstants.ConnectionHeader.Length];
        var span = header.AsSpan();
        NoiseConstants.EdgeRoutingMagic.CopyTo(span);
        span = span[NoiseConstants.EdgeRoutingMagic.Length..];
        WriteLength(span, edgeRoutingInfo.Length);
        span = span[NoiseConstants.FrameLengthPrefix..];
        edgeRoutingInfo.CopyTo(span);
        NoiseConstants.ConnectionHeader.CopyTo(span[edgeRoutingInfo.Length..]);
        return header;
    }

    /// <summary>One WebSocket message: <paramref name="prefix"/> (the intro, first frame only), length, payload.</summary>
    public static byte[] EncodeFrame(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> prefix = default)
    {
        if (payload.Length > NoiseConstants.MaxFrameLength)
        {
            throw new NoiseFrameException($"A frame payload of {payload.Length} bytes exceeds the 3-byte length limit.");
        }
        var message = new byte[prefix.Length + NoiseConstants.FrameLengthPrefix + payload.Length];
        prefix.CopyTo(message);
        WriteLength(message.AsSpan(prefix.Length), payload.Length);
        payload.CopyTo(message.AsSpan(prefix.Length + NoiseConstants.FrameLengthPrefix));
        return message;
    }

    internal static void WriteLength(Span<byte> destination, int length)
    {
        destination[0] = (byte)(length >> 16);
        destination[1] = (byte)(length >> 8);
        destination[2] = (byte)length;
    }

    internal static int ReadLength(ReadOnlySpan<byte> source) => (source[0] << 16) | (source[1] << 8) | source[2];
}
