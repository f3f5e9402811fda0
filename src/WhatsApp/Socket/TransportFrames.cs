using System.IO.Compression;

namespace CodeChat.WhatsApp.Socket;

/// <summary>
/// The plaintext of a transport frame is a flag byte then a WABinary node; flag bit 0x02 means the
/// node is zlib-compressed (whatsapp-protocol.md §1.4).
/// </summary>
public static class TransportFrames
{
    /// <summary>Default cap on an inflated frame, so a tiny compressed frame cannot exhaust memory.</summary>
    public const int DefaultMaxInflatedLength = 64 * 1024 * 1024;

    /// <summary>
    /// Returns the frame in uncompressed form: unchanged when the compressed flag is clear,
    /// otherwise the flag byte with the compression bit cleared followed by the inflated node.
    /// Either way the result is what a WABinary decoder that understands the flag byte accepts.
    /// </summary>
    public static byte[] Decompress(byte[] plaintext, int maxInflatedLength = DefaultMaxInflatedLength)
    {
        if (plaintext.Length == 0)
        {
            throw new NoiseFrameException("A transport frame carried no flag byte.");
        }
        var flags = plaintext[0];
        if ((flags & NoiseConstants.CompressedFlag) == 0)
        {
            return plaintext;
        }
        try
        {
            using var source = new MemoryStream(plaintext, 1, plaintext.Length - 1, writable: false);
            using var zlib = new ZLibStream(source, CompressionMode.Decompress);
            using var inflated = new MemoryStream();
            inflated.WriteByte((byte)(flags & ~NoiseConstants.CompressedFlag));
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = zlib.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (inflated.Length - 1 + read > maxInflatedLength)
                {
                    throw new NoiseFrameException($"A compressed frame inflates beyond {maxInflatedLength} bytes.");
                }
                inflated.Write(chunk, 0, read);
            }
            return inflated.ToArray();
        }
        catch (InvalidDataException exception)
        {
            throw new NoiseFrameException("A compressed frame is not a valid zlib stream.", exception);
        }
    }

    /// <summary>Builds a compressed frame plaintext (flag 0x02 + zlib(node)); servers use this, clients never compress.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> node)
    {
        using var output = new MemoryStream();
        output.WriteByte(NoiseConstants.CompressedFlag);
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(node);
        }
        return output.ToArray();
    }
}
