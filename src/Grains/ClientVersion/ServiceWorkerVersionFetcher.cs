using System.Text;
using CodeChat.WhatsApp.Client;

namespace CodeChat.Grains.ClientVersion;

/// <summary>
/// Reads the current WhatsApp Web version from a service-worker script (WhatsApp Web's <c>sw.js</c> embeds
/// <c>client_revision</c>; <see cref="WhatsAppWebVersion.TryParseServiceWorker"/> extracts it). One bounded
/// GET: a timeout and a size cap, so a slow or huge answer can never hold the refresher.
/// </summary>
public sealed class ServiceWorkerVersionFetcher(IHttpClientFactory httpClients)
{
    /// <summary>The named HttpClient (tests swap its handler to trust the emulator's certificate).</summary>
    public const string ClientName = "whatsapp-version";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>WhatsApp Web's sw.js is a few hundred kilobytes; anything far larger is not it.</summary>
    public const int MaxScriptBytes = 4 * 1024 * 1024;

    /// <summary>The version the script names; throws <see cref="ServiceWorkerFetchException"/> when it cannot tell.</summary>
    public async Task<WhatsAppWebVersion> FetchAsync(Uri source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        string script;
        try
        {
            var client = httpClients.CreateClient(ClientName);
            using var request = new HttpRequestMessage(HttpMethod.Get, source);
            // Baileys (fetchLatestWaWebVersion) notes WhatsApp Web answers browser-like requests only.
            request.Headers.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
            request.Headers.TryAddWithoutValidation("sec-fetch-site", "none");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
                throw new ServiceWorkerFetchException($"{source} answered HTTP {(int)response.StatusCode}.");
            if (response.Content.Headers.ContentLength > MaxScriptBytes)
                throw new ServiceWorkerFetchException($"{source} is larger than {MaxScriptBytes} bytes.");
            script = await ReadCappedAsync(response.Content, source, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ServiceWorkerFetchException($"{source} did not answer within {Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException exception)
        {
            throw new ServiceWorkerFetchException($"{source} is unreachable: {exception.Message}", exception);
        }
        if (!WhatsAppWebVersion.TryParseServiceWorker(script, out var version))
            throw new ServiceWorkerFetchException($"{source} names no client_revision.");
        return version;
    }

    private static async Task<string> ReadCappedAsync(HttpContent content, Uri source, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxScriptBytes)
                throw new ServiceWorkerFetchException($"{source} is larger than {MaxScriptBytes} bytes.");
            buffer.Write(chunk, 0, read);
        }
        var charset = content.Headers.ContentType?.CharSet;
        var encoding = charset is null ? Encoding.UTF8 : GetEncodingOrUtf8(charset);
        return encoding.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static Encoding GetEncodingOrUtf8(string charset)
    {
        try
        {
            return Encoding.GetEncoding(charset.Trim('"'));
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }
}

/// <summary>The service worker could not be read or named no version.</summary>
public sealed class ServiceWorkerFetchException(string message, Exception? innerException = null) : Exception(message, innerException);
