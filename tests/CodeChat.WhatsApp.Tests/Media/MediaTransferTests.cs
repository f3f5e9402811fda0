using System.Net;
using System.Security.Cryptography;
using System.Text;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Media;

namespace CodeChat.WhatsApp.Tests.Media;

/// <summary>Host fallback, token refresh, expiry and limits of media transfers, on a fake HTTP handler.</summary>
public sealed class MediaTransferTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Reads_the_media_conn_answer_and_keeps_it_for_its_ttl()
    {
        var answer = new Node("iq", [new("type", "result")], new Node("media_conn", [new("auth", "secret-auth"), new("ttl", "300")], new Node[]
        {
            new("host", [new("hostname", "mmg.whatsapp.net")]),
            new("host", [new("hostname", "media-fra5-1.cdn.whatsapp.net")]),
        }));
        var connection = MediaConnection.FromResult(answer, Now);
        Assert.Equal("secret-auth", connection.Auth);
        Assert.Equal(["mmg.whatsapp.net", "media-fra5-1.cdn.whatsapp.net"], connection.Hosts);
        Assert.True(connection.IsFreshAt(Now.AddSeconds(299)));
        Assert.False(connection.IsFreshAt(Now.AddSeconds(300)));
        Assert.DoesNotContain("secret-auth", connection.ToString(), StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => MediaConnection.FromResult(new Node("iq", [], new Node("media_conn", [new("auth", "a")])), Now));
    }

    [Fact]
    public async Task An_upload_tries_the_next_host_when_one_fails_and_sends_what_WhatsApp_expects()
    {
        var handler = new FakeMediaHosts();
        handler.Down.Add("dead.example");
        var transfer = new MediaTransfer(new HttpClient(handler), (_, _) => Task.FromResult(Connection("dead.example", "live.example")));
        var plaintext = RandomNumberGenerator.GetBytes(5_000);

        var uploaded = await transfer.UploadAsync(new MemoryStream(plaintext), MediaType.Ptt, TestContext.Current.CancellationToken);

        var request = Assert.Single(handler.Uploads);
        Assert.Equal("live.example", request.Uri.Host);
        var token = Convert.ToBase64String(uploaded.FileEncSha256).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        // Voice notes share the audio path (whatsapp-protocol.md §8.1).
        Assert.Equal($"/mms/audio/{token}", request.Uri.AbsolutePath);
        Assert.Contains("auth=auth-1", request.Uri.Query, StringComparison.Ordinal);
        Assert.Contains($"token={token}", request.Uri.Query, StringComparison.Ordinal);
        Assert.Equal("https://web.whatsapp.com", request.Origin);
        Assert.Equal(SHA256.HashData(request.Body), uploaded.FileEncSha256);
        Assert.Equal(plaintext, MediaCrypto.Decrypt(request.Body, uploaded.MediaKey, MediaType.Ptt, uploaded.FileEncSha256, uploaded.FileSha256));
        Assert.Equal(5_000, uploaded.FileLength);
        Assert.DoesNotContain(Convert.ToBase64String(uploaded.MediaKey), uploaded.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_auth_token_is_fetched_again_once()
    {
        var handler = new FakeMediaHosts { AcceptedAuth = "auth-2" };
        var asked = new List<bool>();
        var transfer = new MediaTransfer(new HttpClient(handler), (refresh, _) =>
        {
            asked.Add(refresh);
            return Task.FromResult(Connection(refresh ? "auth-2" : "auth-1", ["live.example"]));
        });

        await transfer.UploadAsync(new MemoryStream([1, 2, 3]), MediaType.Image, TestContext.Current.CancellationToken);
        Assert.Equal([false, true], asked);

        handler.AcceptedAuth = "never";
        var failure = await Assert.ThrowsAsync<MediaTransferException>(() => transfer.UploadAsync(new MemoryStream([1]), MediaType.Image, TestContext.Current.CancellationToken));
        Assert.Equal(401, failure.StatusCode);
    }

    [Fact]
    public async Task A_download_decrypts_from_the_direct_path_and_reports_expired_media()
    {
        var ct = TestContext.Current.CancellationToken;
        var handler = new FakeMediaHosts();
        var transfer = new MediaTransfer(new HttpClient(handler), (_, _) => Task.FromResult(Connection("live.example")));
        var plaintext = RandomNumberGenerator.GetBytes(70_001);
        var mediaKey = MediaKeys.GenerateMediaKey();
        var encrypted = MediaCrypto.Encrypt(plaintext, mediaKey, MediaType.Video);
        handler.Blobs["/v/t62/abc.enc"] = encrypted.Body;

        using var output = new MemoryStream();
        var length = await transfer.DownloadAsync("/v/t62/abc.enc?ccb=11-4&oh=sig", null, mediaKey, MediaType.Video, encrypted.FileEncSha256, encrypted.FileSha256, output, cancellationToken: ct);
        Assert.Equal(plaintext.Length, length);
        Assert.Equal(plaintext, output.ToArray());
        var get = Assert.Single(handler.Downloads);
        Assert.Equal("live.example", get.Host);
        Assert.Contains("mms-type=video", get.Query, StringComparison.Ordinal);
        Assert.Contains("ccb=11-4", get.Query, StringComparison.Ordinal);

        var tooBig = await Assert.ThrowsAsync<MediaTransferException>(() =>
            transfer.DownloadAsync("/v/t62/abc.enc", null, mediaKey, MediaType.Video, default, default, new MemoryStream(), maxBytes: 1_000, cancellationToken: ct));
        Assert.Equal(413, tooBig.StatusCode);

        var expired = await Assert.ThrowsAsync<MediaTransferException>(() =>
            transfer.DownloadAsync("/v/t62/gone.enc", null, mediaKey, MediaType.Video, default, default, new MemoryStream(), cancellationToken: ct));
        Assert.True(expired.MediaExpired);
    }

    private static MediaConnection Connection(params string[] hosts) => Connection("auth-1", hosts);

    private static MediaConnection Connection(string auth, string[] hosts) => new(auth, hosts, TimeSpan.FromMinutes(5), Now);

    private sealed record Upload(Uri Uri, string? Origin, byte[] Body);

    /// <summary>Media hosts in memory: POST /mms/… stores, GET /v/… returns, hosts in <see cref="Down"/> refuse connections.</summary>
    private sealed class FakeMediaHosts : HttpMessageHandler
    {
        public HashSet<string> Down { get; } = [];

        public string AcceptedAuth { get; set; } = "auth-1";

        public List<Upload> Uploads { get; } = [];

        public List<Uri> Downloads { get; } = [];

        public Dictionary<string, byte[]> Blobs { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            if (Down.Contains(uri.Host))
                throw new HttpRequestException("connection refused");
            if (request.Method == HttpMethod.Post)
            {
                if (!uri.Query.Contains($"auth={AcceptedAuth}&", StringComparison.Ordinal))
                    return new HttpResponseMessage(HttpStatusCode.Unauthorized);
                var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
                Uploads.Add(new Upload(uri, request.Headers.TryGetValues("Origin", out var origin) ? origin.Single() : null, body));
                return new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent("""{"url":"https://live.example/v/t62/x.enc?oh=1","direct_path":"/v/t62/x.enc?oh=1"}""", Encoding.UTF8, "application/json"),
                };
            }
            Downloads.Add(uri);
            return Blobs.TryGetValue(uri.AbsolutePath, out var blob)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(blob) }
                : new HttpResponseMessage(HttpStatusCode.NotFound);
        }
    }
}
