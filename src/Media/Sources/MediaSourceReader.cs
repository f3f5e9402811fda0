using CodeChat.WhatsApp.Crypto;
using Microsoft.Extensions.Options;

namespace CodeChat.Media.Sources;

/// <summary>
/// Reads a send's <c>media</c> string as CodeChat v3's <c>urlOrBase64</c>: an http(s) URL is fetched
/// (<see cref="MediaUrlFetcher"/>), a data: URL or bare base64 decoded (<see cref="Base64MediaDecoder"/>);
/// anything else is a 400 naming the field. Each is capped at the size limit of the media's kind.
/// </summary>
public sealed class MediaSourceReader(MediaUrlFetcher fetcher, IOptions<MediaOptions> options)
{
    public async Task<MediaSource> ReadAsync(string urlOrBase64, string? fileName, MediaType kind, string field, CancellationToken cancellationToken, Action<long>? progress = null)
    {
        if (string.IsNullOrWhiteSpace(urlOrBase64))
            throw new MediaInputException(field, $"{field} must not be empty");
        var limit = options.Value.MaxBytesFor(kind);
        if (MediaUrlFetcher.IsHttpUrl(urlOrBase64, out var url))
            return await fetcher.FetchAsync(url, limit, field, cancellationToken, progress).ConfigureAwait(false);
        if (Base64MediaDecoder.IsInline(urlOrBase64))
            return await Base64MediaDecoder.DecodeAsync(urlOrBase64, fileName, limit, field, cancellationToken).ConfigureAwait(false);
        throw new MediaInputException(field, $"{field} must be an http(s) URL, a data: URL or base64");
    }
}
