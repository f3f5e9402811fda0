using System.IO.Compression;
using CodeChat.WhatsApp.Media;
using Google.Protobuf;

namespace CodeChat.WhatsApp.History;

/// <summary>
/// The plaintext of a history-sync blob: a zlib stream (RFC 1950) of a <c>HistorySync</c> protobuf
/// (whatsapp-protocol.md §9.1; whatsmeow <c>DownloadHistorySync</c> reads it with <c>zlib.NewReader</c>,
/// Baileys <c>downloadHistory</c> with <c>createInflate</c>). Inflating is bounded, so a small blob
/// cannot expand into unbounded memory.
/// </summary>
public static class HistorySyncPayload
{
    /// <summary>Largest inflated <c>HistorySync</c> we accept (the phone's chunks are a few MB).</summary>
    public const long DefaultMaxInflatedBytes = 256L * 1024 * 1024;

    /// <summary>Inflates and parses <paramref name="deflated"/>.</summary>
    /// <exception cref="HistorySyncException">Not a zlib stream, larger than <paramref name="maxInflatedBytes"/> inflated, or not a <c>HistorySync</c>.</exception>
    public static async Task<Proto.HistorySync> DecodeAsync(Stream deflated, long maxInflatedBytes = DefaultMaxInflatedBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deflated);
        using var inflated = new MemoryStream();
        try
        {
            await using var zlib = new ZLibStream(deflated, CompressionMode.Decompress, leaveOpen: true);
            if (await BoundedCopy.CopyAsync(zlib, inflated, maxInflatedBytes, null, cancellationToken).ConfigureAwait(false) < 0)
                throw new HistorySyncException($"The history sync payload inflates to more than {maxInflatedBytes} bytes.");
        }
        catch (InvalidDataException exception)
        {
            throw new HistorySyncException("The history sync payload is not a zlib stream.", exception);
        }
        try
        {
            return Proto.HistorySync.Parser.ParseFrom(inflated.GetBuffer().AsSpan(0, (int)inflated.Length));
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new HistorySyncException("The history sync payload is not a HistorySync message.", exception);
        }
    }

    /// <inheritdoc cref="DecodeAsync(Stream, long, CancellationToken)"/>
    public static async Task<Proto.HistorySync> DecodeAsync(ReadOnlyMemory<byte> deflated, long maxInflatedBytes = DefaultMaxInflatedBytes, CancellationToken cancellationToken = default)
    {
        await using var stream = new MemoryStream(deflated.ToArray(), writable: false);
        return await DecodeAsync(stream, maxInflatedBytes, cancellationToken).ConfigureAwait(false);
    }
}
