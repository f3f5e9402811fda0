using System.Net;
using CodeChat.Media.Net;
using CodeChat.WhatsApp.Media;
using Microsoft.Extensions.Options;

namespace CodeChat.Media.Sources;

/// <summary>
/// Fetches a caller's http(s) URL for a send (media, link-preview pages and thumbnails) into a
/// temporary file. Every connection, the first and each redirect's, goes only to an address the
/// <see cref="PublicAddressPolicy"/> permits (checked when connecting, so DNS rebinding cannot reach an
/// internal host); redirects are followed by hand so each target's scheme is checked too; the whole
/// fetch has a time limit and the body a size cap. No proxy, no cookies.
/// </summary>
public sealed class MediaUrlFetcher : IDisposable
{
    private readonly HttpClient _http;
    private readonly MediaOptions _options;

    public MediaUrlFetcher(IOptions<MediaOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        var connector = new PolicyConnector(new PublicAddressPolicy(_options.AllowedNetworks, "Media:AllowedNetworks"));
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = connector.ConnectAsync,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("CodeChat.NET");
    }

    /// <summary>True when <paramref name="text"/> is an absolute http or https URL.</summary>
    public static bool IsHttpUrl(string text, out Uri url)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
        {
            url = parsed;
            return true;
        }
        url = null!;
        return false;
    }

    /// <summary>
    /// Downloads <paramref name="url"/>. A refused address, a failed or non-2xx answer, a timeout →
    /// <see cref="MediaInputException"/>; a body over <paramref name="maxBytes"/> →
    /// <see cref="MediaTooLargeException"/>; both name <paramref name="field"/>.
    /// </summary>
    public async Task<MediaSource> FetchAsync(Uri url, long maxBytes, string field, CancellationToken cancellationToken, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.FetchTimeout);
        try
        {
            var current = url;
            for (var redirects = 0; ; redirects++)
            {
                if (current.Scheme != Uri.UriSchemeHttp && current.Scheme != Uri.UriSchemeHttps)
                    throw new MediaInputException(field, $"{field} redirects to a URL that is not http or https");
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    if (redirects >= _options.MaxRedirects)
                        throw new MediaInputException(field, $"{field} redirects more than {_options.MaxRedirects} times");
                    current = location.IsAbsoluteUri ? location : new Uri(current, location);
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                    throw new MediaInputException(field, $"{field} could not be fetched: the server answered HTTP {(int)response.StatusCode}");
                if (response.Content.Headers.ContentLength > maxBytes)
                    throw new MediaTooLargeException(field, maxBytes);
                var file = TemporaryMediaFile.Create();
                try
                {
                    await using (var body = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false))
                    {
                        if (await BoundedCopy.CopyAsync(body, file, maxBytes, progress, deadline.Token).ConfigureAwait(false) < 0)
                            throw new MediaTooLargeException(field, maxBytes);
                    }
                    return MediaSource.Wrap(file, response.Content.Headers.ContentType?.MediaType, NameOf(response, current));
                }
                catch
                {
                    await file.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }
        }
        catch (HttpRequestException exception) when (FindRefusal(exception) is { } refusal)
        {
            throw new MediaInputException(field, $"{field} may not be fetched: {refusal.Message}", exception);
        }
        catch (HttpRequestException exception)
        {
            throw new MediaInputException(field, $"{field} could not be fetched: {exception.Message}", exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MediaInputException(field, $"{field} could not be fetched within {_options.FetchTimeout.TotalSeconds:0} s", exception);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static AddressRefusedException? FindRefusal(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is AddressRefusedException refused)
                return refused;
        }
        return null;
    }

    private static string? NameOf(HttpResponseMessage response, Uri url)
    {
        var disposition = response.Content.Headers.ContentDisposition;
        var declared = disposition?.FileNameStar ?? disposition?.FileName;
        if (!string.IsNullOrWhiteSpace(declared))
            return Path.GetFileName(declared.Trim('"'));
        var last = Uri.UnescapeDataString(url.Segments[^1]);
        return last is "/" or "" ? null : Path.GetFileName(last);
    }

    public void Dispose() => _http.Dispose();
}
