using CodeChat.WhatsApp.Media;

namespace CodeChat.Media.Sources;

/// <summary>
/// Media given inline (CodeChat v3's <c>urlOrBase64</c>): a <c>data:</c> URL or bare base64 (standard
/// or URL alphabet, whitespace ignored), decoded piece by piece into a temporary file.
/// </summary>
public static class Base64MediaDecoder
{
    private const int CharsPerPiece = 4 * 16 * 1024;

    /// <summary>True when <paramref name="text"/> is a data: URL or looks like base64 (not a URL).</summary>
    public static bool IsInline(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || LooksLikeBase64(text);
    }

    /// <summary>
    /// Decodes <paramref name="text"/> into a <see cref="MediaSource"/>. Not base64 → <see cref="MediaInputException"/>,
    /// more than <paramref name="maxBytes"/> → <see cref="MediaTooLargeException"/>, both naming <paramref name="field"/>.
    /// </summary>
    public static async Task<MediaSource> DecodeAsync(string text, string? fileName, long maxBytes, string field, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? declared = null;
        var payload = text.AsMemory();
        if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = text.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0)
                throw new MediaInputException(field, $"{field} is a data: URL without a comma before its data");
            var header = text[5..comma];
            if (!header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
                throw new MediaInputException(field, $"{field} is a data: URL that is not base64 encoded");
            declared = header[..^7];
            payload = text.AsMemory(comma + 1);
        }

        // Three bytes per four characters: refuse the obviously oversized before decoding anything.
        if ((long)payload.Length / 4 * 3 > maxBytes + 3)
            throw new MediaTooLargeException(field, maxBytes);

        var file = TemporaryMediaFile.Create();
        try
        {
            var written = await DecodeIntoAsync(payload, file, field, cancellationToken).ConfigureAwait(false);
            if (written == 0)
                throw new MediaInputException(field, $"{field} is empty");
            if (written > maxBytes)
                throw new MediaTooLargeException(field, maxBytes);
            return MediaSource.Wrap(file, declared, fileName);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<long> DecodeIntoAsync(ReadOnlyMemory<char> payload, Stream destination, string field, CancellationToken cancellationToken)
    {
        var chars = new char[CharsPerPiece];
        var bytes = new byte[CharsPerPiece / 4 * 3];
        var filled = 0;
        long written = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            var c = payload.Span[i];
            if (char.IsWhiteSpace(c))
                continue;
            chars[filled++] = c switch { '-' => '+', '_' => '/', _ => c };
            if (filled == chars.Length)
            {
                written += await FlushAsync(chars, filled, bytes, destination, field, cancellationToken).ConfigureAwait(false);
                filled = 0;
            }
        }
        if (filled > 0)
        {
            // The URL alphabet often drops the padding: put it back.
            while (filled % 4 != 0)
                chars[filled++] = '=';
            written += await FlushAsync(chars, filled, bytes, destination, field, cancellationToken).ConfigureAwait(false);
        }
        return written;
    }

    private static async Task<int> FlushAsync(char[] chars, int count, byte[] bytes, Stream destination, string field, CancellationToken cancellationToken)
    {
        if (!Convert.TryFromBase64Chars(chars.AsSpan(0, count), bytes, out var decoded))
            throw new MediaInputException(field, $"{field} must be an http(s) URL, a data: URL or base64");
        await destination.WriteAsync(bytes.AsMemory(0, decoded), cancellationToken).ConfigureAwait(false);
        return decoded;
    }

    private static bool LooksLikeBase64(string text)
    {
        if (text.Length < 4 || text.Contains("://", StringComparison.Ordinal))
            return false;
        // Judge by a prefix: a megabyte of base64 need not be scanned twice.
        var sample = text.AsSpan(0, Math.Min(text.Length, 4096));
        foreach (var c in sample)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '-' or '_' || char.IsWhiteSpace(c)))
                return false;
        }
        return true;
    }
}
