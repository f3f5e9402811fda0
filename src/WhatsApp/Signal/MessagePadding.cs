using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// The random padding of <c>&lt;enc v="2"&gt;</c> plaintexts (whatsapp-protocol.md §6.8, pitfall
/// P15): the serialized <c>Message</c> gets <c>n</c> bytes of value <c>n</c> appended before
/// Signal or sender-key encryption, and the receiver strips them. <c>v="3"</c> payloads are not padded.
/// </summary>
/// <remarks>
/// n = (random &amp; 0x0F) + 1, i.e. 1..16, as WhatsApp Web's <c>writeRandomPadMax16</c> (the name
/// and rule as Baileys keeps them); whatsmeow draws 1..15, which the same unpadding accepts.
/// Unpadding checks every padding byte as whatsmeow's <c>unpadMessage</c> does (Baileys only
/// checks the length), so trailing garbage is refused rather than handed to the protobuf parser.
/// </remarks>
public static class MessagePadding
{
    public const int MaxPadding = 16;

    /// <summary>Appends 1..16 bytes of random length.</summary>
    public static byte[] Pad(ReadOnlySpan<byte> message)
    {
        Span<byte> random = stackalloc byte[1];
        RandomNumberGenerator.Fill(random);
        return Pad(message, (byte)((random[0] & 0x0F) + 1));
    }

    /// <summary>Appends <paramref name="padding"/> bytes of value <paramref name="padding"/> (1..16).</summary>
    public static byte[] Pad(ReadOnlySpan<byte> message, byte padding)
    {
        ArgumentOutOfRangeException.ThrowIfZero(padding);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(padding, (byte)MaxPadding);
        var padded = new byte[message.Length + padding];
        message.CopyTo(padded);
        padded.AsSpan(message.Length).Fill(padding);
        return padded;
    }

    /// <summary>The message without its padding.</summary>
    /// <exception cref="InvalidSignalMessageException">Empty, a zero or too long padding, or padding bytes that differ.</exception>
    public static ReadOnlyMemory<byte> Unpad(ReadOnlyMemory<byte> padded)
    {
        var span = padded.Span;
        if (span.IsEmpty)
        {
            throw new InvalidSignalMessageException("The decrypted plaintext is empty; it has no padding to remove.");
        }
        var padding = span[^1];
        if (padding == 0 || padding > span.Length)
        {
            throw new InvalidSignalMessageException($"The decrypted plaintext ({span.Length} bytes) ends in an impossible padding length {padding}.");
        }
        if (span[^padding..].ContainsAnyExcept(padding))
        {
            throw new InvalidSignalMessageException($"The decrypted plaintext's last {padding} bytes are not all {padding}.");
        }
        return padded[..^padding];
    }
}
