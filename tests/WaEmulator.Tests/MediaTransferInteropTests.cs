using System.Security.Cryptography;
using System.Threading.Channels;
using CodeChat.Testing;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Media;
using CodeChat.WhatsApp.Store;

namespace CodeChat.WaEmulator.Tests;

/// <summary>
/// Our media upload and download (src/WhatsApp/Media) proven against Baileys 7's own media code on
/// the emulator's HTTPS media host: what we upload Baileys downloads and decrypts, what Baileys
/// uploads we download and decrypt. The emulator only stores opaque bodies.
/// </summary>
public sealed class MediaTransferInteropTests(BaileysInteropPackages packages)
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Media_we_upload_is_downloaded_and_decrypted_by_Baileys_and_Baileys_uploads_decrypt_here()
    {
        Assert.NotNull(packages);
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await EmulatorFixture.StartAsync(ct);
        var peer = await fixture.StartPeerAsync("bob", ct);
        await fixture.PairAsync(peer, fixture.Emulator.CreateAccount(), ct);
        await using var client = await PairOurClientAsync(fixture, ct);
        using var http = MediaHttp.TrustingClient(fixture.Server);
        var transfer = new MediaTransfer(http, client.GetMediaConnectionAsync);

        // Ours → Baileys: an image of several AES blocks, not block-aligned, and a 1 MB document.
        foreach (var (kind, type, size) in new[] { ("image", MediaType.Image, 70_001), ("document", MediaType.Document, 1_048_579) })
        {
            var plaintext = RandomNumberGenerator.GetBytes(size);
            var uploaded = await transfer.UploadAsync(new MemoryStream(plaintext), type, ct);
            Assert.StartsWith(fixture.Server.MediaBaseUrl.ToString(), uploaded.Url, StringComparison.Ordinal);
            var downloaded = await peer.CommandAsync("downloadMedia", new
            {
                kind,
                directPath = uploaded.DirectPath,
                url = uploaded.Url,
                mediaKey = Convert.ToBase64String(uploaded.MediaKey),
            }, cancellationToken: ct);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(plaintext)), downloaded["sha256"]!.GetValue<string>());
            Assert.Equal(size, downloaded["length"]!.GetValue<int>());
            Assert.Equal(SHA256.HashData(plaintext), uploaded.FileSha256);
            Assert.Equal(SHA256.HashData(fixture.Emulator.Media.Find(uploaded.DirectPath)!.Body), uploaded.FileEncSha256);
        }

        // Baileys → ours.
        var document = RandomNumberGenerator.GetBytes(300_017);
        var theirs = await peer.CommandAsync("uploadMedia", new { kind = "document", base64 = Convert.ToBase64String(document) }, cancellationToken: ct);
        var mediaKey = Convert.FromBase64String(theirs["mediaKey"]!.GetValue<string>());
        var fileEncSha256 = Convert.FromBase64String(theirs["fileEncSha256"]!.GetValue<string>());
        var fileSha256 = Convert.FromBase64String(theirs["fileSha256"]!.GetValue<string>());
        var directPath = theirs["directPath"]!.GetValue<string>();
        using var received = new MemoryStream();
        var length = await transfer.DownloadAsync(directPath, theirs["url"]!.GetValue<string>(), mediaKey, MediaType.Document, fileEncSha256, fileSha256, received, cancellationToken: ct);
        Assert.Equal(document.Length, length);
        Assert.Equal(document, received.ToArray());

        // The same body under the wrong type's keys fails the MAC: nothing is handed out.
        using var wrong = new MemoryStream();
        await Assert.ThrowsAsync<MediaIntegrityException>(() =>
            transfer.DownloadAsync(directPath, null, mediaKey, MediaType.Image, default, default, wrong, cancellationToken: ct));
        Assert.Equal(0, wrong.Length);
    }

    private static async Task<WaClient> PairOurClientAsync(EmulatorFixture fixture, CancellationToken cancellationToken)
    {
        var client = new WaClient(
            new WaClientOptions
            {
                Url = fixture.Server.WebSocketUrl,
                TrustedRootPublicKey = Curve25519PublicKey.FromBytes(fixture.Emulator.Certificates.RootPublicKey.Span),
            },
            new InMemoryDeviceStore());
        await client.ConnectAsync(cancellationToken);
        var qr = await WaitForAsync<QrCodeEvent>(client, cancellationToken);
        await fixture.Emulator.ScanQrAsync(qr.Code, fixture.Emulator.CreateAccount(), cancellationToken);
        await WaitForAsync<ConnectedEvent>(client, cancellationToken);
        return client;
    }

    private static async Task<T> WaitForAsync<T>(WaClient client, CancellationToken cancellationToken) where T : WaEvent
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(EventTimeout);
        try
        {
            while (true)
            {
                if (await client.Events.ReadAsync(timeout.Token) is T match)
                    return match;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No {typeof(T).Name} within {EventTimeout}.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The client's events ended before a {typeof(T).Name}.");
        }
    }
}
