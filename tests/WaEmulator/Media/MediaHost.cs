using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CodeChat.WaEmulator.Protocol;
using CodeChat.WhatsApp.Binary;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace CodeChat.WaEmulator.Media;

/// <summary>
/// WhatsApp's media servers on loopback (whatsapp-protocol.md §8.2–§8.3): the <c>w:m media_conn</c> answer
/// (host + auth token + ttl), <c>POST /mms/&lt;type&gt;/&lt;token&gt;?auth=…</c> storing the encrypted blob and
/// answering <c>{url, direct_path}</c>, and GET of that url / direct path. Blobs stay opaque: the upload
/// token must be base64url(SHA-256 of the body) and the direct path is signed (<c>oh</c>), as on the real CDN.
/// </summary>
public sealed class MediaHost
{
    /// <summary>How long a media_conn answer may be cached (seconds); the real server says 300.</summary>
    public const int HostTtlSeconds = 300;

    /// <summary>How long an upload auth token stays valid (seconds).</summary>
    public const int AuthTtlSeconds = 21600;

    public const long MaxUploadBytes = 100L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _authTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredMedia> _blobs = new(StringComparer.Ordinal);
    private readonly byte[] _pathSigningKey = RandomNumberGenerator.GetBytes(32);
    private readonly ILogger _logger;
    private volatile string? _authority;

    internal MediaHost(ILogger logger) => _logger = logger;

    /// <summary>host:port clients upload to and download from; null until the HTTPS listener is up.</summary>
    public string? Authority => _authority;

    /// <summary>Everything uploaded so far.</summary>
    public IReadOnlyList<StoredMedia> Uploads => [.. _blobs.Values.OrderBy(b => b.UploadedAt)];

    /// <summary>The blob a direct path (or full url) names, query string ignored.</summary>
    public StoredMedia? Find(string directPathOrUrl)
    {
        var path = directPathOrUrl.StartsWith("https://", StringComparison.Ordinal)
            ? new Uri(directPathOrUrl).AbsolutePath
            : directPathOrUrl.Split('?')[0];
        return _blobs.GetValueOrDefault(path);
    }

    /// <summary>Drops the blob a direct path (or url) names, as WhatsApp does once media expires; later downloads get 404.</summary>
    public bool Forget(string directPathOrUrl)
    {
        var path = directPathOrUrl.StartsWith("https://", StringComparison.Ordinal)
            ? new Uri(directPathOrUrl).AbsolutePath
            : directPathOrUrl.Split('?')[0];
        return _blobs.TryRemove(path, out _);
    }

    /// <summary>PEM of the CA clients must trust for <see cref="Authority"/>; null until bound.</summary>
    public string? CertificateAuthorityPem { get; private set; }

    internal void Bind(string authority, string certificateAuthorityPem)
    {
        CertificateAuthorityPem = certificateAuthorityPem;
        _authority = authority;
    }

    /// <summary>A fresh upload auth token, as a media_conn answer carries it.</summary>
    public string IssueAuthToken()
    {
        var auth = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        _authTokens[auth] = DateTimeOffset.UtcNow.AddSeconds(AuthTtlSeconds);
        return auth;
    }

    /// <summary>The answer to <c>&lt;iq xmlns="w:m" type="set"&gt;&lt;media_conn/&gt;&lt;/iq&gt;</c>.</summary>
    internal Node MediaConnection(Node iq)
    {
        if (_authority is not { } authority)
        {
            return Stanzas.Error(iq, 503, "service-unavailable");
        }

        var auth = IssueAuthToken();
        return Stanzas.Result(iq, Stanzas.Children(
            "media_conn",
            [
                ("auth", auth),
                ("ttl", HostTtlSeconds.ToString(CultureInfo.InvariantCulture)),
                ("auth_ttl", AuthTtlSeconds.ToString(CultureInfo.InvariantCulture)),
                ("max_buckets", "12"),
            ],
            [
                Stanzas.Make(
                    "host",
                    ("hostname", authority),
                    ("maxContentLengthBytes", MaxUploadBytes.ToString(CultureInfo.InvariantCulture))),
            ]));
    }

    /// <summary>
    /// Serves a profile picture (a plain JPEG: profile pictures are not end-to-end encrypted) under a signed
    /// path, as WhatsApp's picture CDN hands them out; returns its URL and direct path.
    /// </summary>
    internal (string Url, string DirectPath) PublishPicture(byte[] jpeg)
    {
        var authority = _authority ?? throw new InvalidOperationException("The media host is not listening yet.");
        var path = $"/v/t61.24694-24/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}.jpg";
        var expiry = DateTimeOffset.UtcNow.AddDays(14).ToUnixTimeSeconds().ToString("X", CultureInfo.InvariantCulture);
        var directPath = $"{path}?ccb=11-4&oh={Sign(path)}&oe={expiry}&_nc_sid=e6ed6c";
        var url = $"https://{authority}{directPath}";
        _blobs[path] = new StoredMedia(PictureMediaType, directPath, url, jpeg, DateTimeOffset.UtcNow);
        return (url, directPath);
    }

    /// <summary>The media type of blobs <see cref="PublishPicture"/> stored.</summary>
    public const string PictureMediaType = "picture";

    internal void Map(WebApplication app)
    {
        app.MapPost("/mms/{mediaType}/{token}", UploadAsync);
        app.MapGet("/v/{**rest}", Download);
    }

    private async Task<IResult> UploadAsync(HttpContext context, string mediaType, string token, CancellationToken cancellationToken)
    {
        if (!context.Request.IsHttps)
        {
            return Results.StatusCode(StatusCodes.Status421MisdirectedRequest);
        }

        var auth = context.Request.Query["auth"].ToString();
        if (!_authTokens.TryGetValue(auth, out var expires) || expires < DateTimeOffset.UtcNow)
        {
            return Results.Json(new { status = 401, error = "invalid auth" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxUploadBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var body = buffer.ToArray();
        // the path token is base64url(fileEncSha256), with or without padding (§8.2 step 2)
        var expected = WebEncoders.Base64UrlEncode(SHA256.HashData(body));
        if (token.TrimEnd('=') != expected)
        {
            return Results.Json(new { status = 400, error = "hash mismatch" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var path = $"/v/t62.7118-24/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}.enc";
        var expiry = DateTimeOffset.UtcNow.AddDays(14).ToUnixTimeSeconds().ToString("X", CultureInfo.InvariantCulture);
        var directPath = $"{path}?ccb=11-4&oh={Sign(path)}&oe={expiry}&_nc_sid=5e03e0";
        var url = $"https://{_authority}{directPath}&mms3=true";
        _blobs[path] = new StoredMedia(mediaType, directPath, url, body, DateTimeOffset.UtcNow);
        _logger.LogDebug("Stored {Bytes} bytes of {MediaType} at {Path}", body.Length, mediaType, path);
        return Results.Json(new { url, direct_path = directPath });
    }

    private IResult Download(HttpContext context)
    {
        if (!context.Request.IsHttps)
        {
            return Results.StatusCode(StatusCodes.Status421MisdirectedRequest);
        }

        var path = context.Request.Path.Value ?? "";
        if (!_blobs.TryGetValue(path, out var blob))
        {
            return Results.NotFound();
        }

        // a direct path whose signature does not match was not handed out by us
        if (context.Request.Query["oh"].ToString() != Sign(path))
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        return Results.Bytes(blob.Body, blob.MediaType == PictureMediaType ? "image/jpeg" : "application/octet-stream");
    }

    private string Sign(string path) => WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_pathSigningKey, Encoding.UTF8.GetBytes(path)));
}
