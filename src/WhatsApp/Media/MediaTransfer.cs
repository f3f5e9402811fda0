using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Media;

/// <summary>
/// Uploads and downloads encrypted media on WhatsApp's media hosts (whatsapp-protocol.md §8.2–§8.3;
/// whatsmeow <c>upload.go</c>/<c>download.go</c>, Baileys <c>getWAUploadToServer</c> and
/// <c>downloadContentFromMessage</c>). Bodies go through temporary files, never whole into memory.
/// The media connection (auth token and hosts) comes from <paramref name="mediaConnection"/>, asked
/// again with <c>refresh: true</c> once when a host refuses the token.
/// </summary>
public sealed class MediaTransfer(HttpClient http, Func<bool, CancellationToken, Task<MediaConnection>> mediaConnection)
{
    // WhatsApp's media hosts expect the web client's origin on uploads and downloads (§8.2 step 3).
    private static readonly Uri WebOrigin = new("https://web.whatsapp.com/");

    /// <summary>Largest body a download accepts when the caller gives no limit (WhatsApp's own upload cap).</summary>
    public const long DefaultMaxDownloadBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>Encrypts <paramref name="plaintext"/> with a fresh media key and uploads it, trying each host in order.</summary>
    public async Task<UploadedMedia> UploadAsync(Stream plaintext, MediaType type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var mediaKey = MediaKeys.GenerateMediaKey();
        await using var body = TemporaryMediaFile.Create();
        var hashes = await MediaStreamCipher.EncryptAsync(plaintext, body, mediaKey, type, cancellationToken).ConfigureAwait(false);
        var token = Base64Url.EncodeToString(hashes.FileEncSha256);
        var path = $"/mms/{MmsType.For(type)}/{token}";

        var connection = await mediaConnection(false, cancellationToken).ConfigureAwait(false);
        var refreshed = false;
        MediaTransferException? last = null;
        for (var i = 0; i < connection.Hosts.Count; i++)
        {
            var host = connection.Hosts[i];
            body.Position = 0;
            using var request = new HttpRequestMessage(HttpMethod.Post,
                new Uri($"https://{host}{path}?auth={Uri.EscapeDataString(connection.Auth)}&token={token}"));
            AddOriginHeaders(request);
            request.Content = new StreamContent(new UnclosableStream(body));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            request.Content.Headers.ContentLength = body.Length;
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden && !refreshed)
                {
                    // The auth token expired before its ttl said: fetch a new one and start over.
                    refreshed = true;
                    connection = await mediaConnection(true, cancellationToken).ConfigureAwait(false);
                    i = -1;
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                {
                    last = new MediaTransferException($"Media host {host} refused the upload with HTTP {(int)response.StatusCode}.", (int)response.StatusCode);
                    continue;
                }
                var answer = await ReadAnswerAsync(response.Content, cancellationToken).ConfigureAwait(false);
                var url = answer.TryGetProperty("url", out var u) ? u.GetString() : null;
                var directPath = answer.TryGetProperty("direct_path", out var d) ? d.GetString() : null;
                if (string.IsNullOrEmpty(url) || string.IsNullOrEmpty(directPath))
                {
                    last = new MediaTransferException($"Media host {host} answered the upload without url and direct_path.");
                    continue;
                }
                return new UploadedMedia(url, directPath, mediaKey, hashes.FileSha256, hashes.FileEncSha256, hashes.FileLength);
            }
            catch (HttpRequestException exception)
            {
                last = new MediaTransferException($"Media host {host} could not be reached for the upload.", null, exception);
            }
            catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                last = new MediaTransferException($"Media host {host} timed out during the upload.", null, exception);
            }
        }
        throw last ?? new MediaTransferException("No media host to upload to.");
    }

    /// <summary>
    /// Downloads the encrypted body named by <paramref name="directPath"/> (or the full
    /// <paramref name="url"/> when there is no direct path), checks its hash and MAC, and writes the
    /// plaintext into <paramref name="destination"/>. Returns the plaintext length.
    /// </summary>
    public async Task<long> DownloadAsync(
        string? directPath,
        string? url,
        ReadOnlyMemory<byte> mediaKey,
        MediaType type,
        ReadOnlyMemory<byte> fileEncSha256,
        ReadOnlyMemory<byte> fileSha256,
        Stream destination,
        long maxBytes = DefaultMaxDownloadBytes,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var sources = await DownloadSourcesAsync(directPath, url, type, fileEncSha256, cancellationToken).ConfigureAwait(false);
        MediaTransferException? last = null;
        foreach (var source in sources)
        {
            await using var body = TemporaryMediaFile.Create();
            using var request = new HttpRequestMessage(HttpMethod.Get, source);
            AddOriginHeaders(request);
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    last = new MediaTransferException($"Media host {source.Host} answered the download with HTTP {(int)response.StatusCode}.", (int)response.StatusCode);
                    if (last.MediaExpired)
                        throw last;
                    continue;
                }
                if (response.Content.Headers.ContentLength > maxBytes)
                    throw new MediaTransferException($"The media is {response.Content.Headers.ContentLength} bytes, over the limit of {maxBytes}.", 413);
                await using (var content = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
                {
                    await CopyLimitedAsync(content, body, maxBytes, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (HttpRequestException exception)
            {
                last = new MediaTransferException($"Media host {source.Host} could not be reached for the download.", null, exception);
                continue;
            }
            catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                last = new MediaTransferException($"Media host {source.Host} timed out during the download.", null, exception);
                continue;
            }
            body.Position = 0;
            return await MediaStreamCipher.DecryptAsync(body, destination, mediaKey, type, fileEncSha256, fileSha256, cancellationToken).ConfigureAwait(false);
        }
        throw last ?? new MediaTransferException("The media has neither a direct path nor a URL.");
    }

    private async Task<List<Uri>> DownloadSourcesAsync(string? directPath, string? url, MediaType type, ReadOnlyMemory<byte> fileEncSha256, CancellationToken cancellationToken)
    {
        var sources = new List<Uri>();
        if (!string.IsNullOrEmpty(directPath))
        {
            if (!directPath.StartsWith('/'))
                throw new ArgumentException("A direct path starts with '/'.", nameof(directPath));
            // whatsmeow's form: the host from media_conn, the direct path, then the hash and type.
            var connection = await mediaConnection(false, cancellationToken).ConfigureAwait(false);
            var separator = directPath.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var hash = fileEncSha256.IsEmpty ? "" : $"&hash={Base64Url.EncodeToString(fileEncSha256.Span)}";
            var tail = $"{separator}mms-type={MmsType.For(type)}{hash}&__wa-mms=";
            sources.AddRange(connection.Hosts.Select(host => new Uri($"https://{host}{directPath}{tail}")));
        }
        if (!string.IsNullOrEmpty(url) && Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme == Uri.UriSchemeHttps)
            sources.Add(absolute);
        return sources;
    }

    // An upload answer is a small JSON object; refuse anything that is not.
    private static async Task<JsonElement> ReadAnswerAsync(HttpContent content, CancellationToken cancellationToken)
    {
        const int maxAnswerBytes = 64 * 1024;
        if (content.Headers.ContentLength > maxAnswerBytes)
            throw new MediaTransferException("The media host's answer is too large.");
        var bytes = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (bytes.Length > maxAnswerBytes)
            throw new MediaTransferException("The media host's answer is too large.");
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new MediaTransferException("The media host's answer is not JSON.", null, exception);
        }
    }

    private static void AddOriginHeaders(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("Origin", "https://web.whatsapp.com");
        request.Headers.Referrer = WebOrigin;
    }

    private static async Task CopyLimitedAsync(Stream source, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        if (await BoundedCopy.CopyAsync(source, destination, maxBytes, null, cancellationToken).ConfigureAwait(false) < 0)
            throw new MediaTransferException($"The media is larger than the limit of {maxBytes} bytes.", 413);
    }
}
