using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CodeChat.Testing;
using CodeChat.WhatsApp.Crypto;
using Microsoft.AspNetCore.WebUtilities;

namespace CodeChat.WaEmulator.Tests;

/// <summary>The emulator's media host (whatsapp-protocol.md §8.2–§8.3) over TLS with a CA made at start.</summary>
public sealed class MediaHostTests(BaileysInteropPackages packages)
{
    [Fact]
    public async Task An_image_sent_by_Baileys_is_downloaded_and_decrypted_by_the_other_Baileys()
    {
        Assert.NotNull(packages);
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await EmulatorFixture.StartAsync(ct);
        var alice = fixture.Emulator.CreateAccount();
        var bob = fixture.Emulator.CreateAccount();
        var peerA = await fixture.StartPeerAsync("alice", ct);
        var peerB = await fixture.StartPeerAsync("bob", ct);
        await fixture.PairAsync(peerA, alice, ct);
        await fixture.PairAsync(peerB, bob, ct);

        // several AES blocks and not a multiple of 16, so padding and streaming both matter
        var image = RandomNumberGenerator.GetBytes(70_001);
        var sent = await peerA.CommandAsync("sendMedia", new { to = bob.PnJid, base64 = Convert.ToBase64String(image), caption = "look" }, cancellationToken: ct);

        var received = await peerB.WaitForMessageAsync(e => e["id"]!.GetValue<string>() == sent["messageId"]!.GetValue<string>(), cancellationToken: ct);
        var media = received["media"]!.AsObject();
        Assert.Null(media["downloadError"]?.GetValue<string>());
        Assert.Equal("imageMessage", media["kind"]!.GetValue<string>());
        Assert.Equal("image/jpeg", media["mimetype"]!.GetValue<string>());
        Assert.Equal("look", media["caption"]!.GetValue<string>());
        Assert.Equal(image.Length, media["fileLength"]!.GetValue<int>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(image)), media["downloadedSha256"]!.GetValue<string>());
        Assert.StartsWith(fixture.Server.MediaBaseUrl.ToString(), media["url"]!.GetValue<string>(), StringComparison.Ordinal);

        // what the host stored is the genuine WhatsApp encryption of the image: MAC, hashes and all
        var stored = fixture.Emulator.Media.Find(media["directPath"]!.GetValue<string>());
        Assert.NotNull(stored);
        Assert.Equal("image", stored.MediaType);
        var decrypted = MediaCrypto.Decrypt(
            stored.Body,
            Convert.FromBase64String(media["mediaKey"]!.GetValue<string>()),
            MediaType.Image,
            Convert.FromBase64String(media["fileEncSha256"]!.GetValue<string>()),
            Convert.FromBase64String(media["fileSha256"]!.GetValue<string>()));
        Assert.Equal(image, decrypted);
    }

    [Fact]
    public async Task Uploads_need_a_valid_auth_and_a_matching_token_and_downloads_a_signed_path()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: ct);
        using var http = MediaHttp.TrustingClient(server);
        var body = RandomNumberGenerator.GetBytes(1000);
        var token = WebEncoders.Base64UrlEncode(SHA256.HashData(body));

        var noAuth = await http.PostAsync($"mms/image/{token}?auth=nope&token={token}", new ByteArrayContent(body), ct);
        Assert.Equal(HttpStatusCode.Unauthorized, noAuth.StatusCode);

        var auth = Uri.EscapeDataString(server.Emulator.Media.IssueAuthToken());
        var wrongToken = WebEncoders.Base64UrlEncode(SHA256.HashData(body.AsSpan(1)));
        var mismatch = await http.PostAsync($"mms/image/{wrongToken}?auth={auth}&token={wrongToken}", new ByteArrayContent(body), ct);
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);

        // WhatsApp Web keeps the base64 padding, Baileys strips it: both are accepted (§8.2 step 2)
        var padded = Convert.ToBase64String(SHA256.HashData(body)).Replace('+', '-').Replace('/', '_');
        var uploaded = await http.PostAsync($"mms/document/{padded}?auth={auth}&token={padded}", new ByteArrayContent(body), ct);
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var answer = (await uploaded.Content.ReadFromJsonAsync<JsonObject>(ct))!;
        var directPath = answer["direct_path"]!.GetValue<string>();
        Assert.StartsWith("/v/", directPath, StringComparison.Ordinal);

        Assert.Equal(body, await http.GetByteArrayAsync(answer["url"]!.GetValue<string>(), ct));
        Assert.Equal(body, await http.GetByteArrayAsync(directPath.TrimStart('/'), ct));
        var forged = directPath.Replace("oh=", "oh=x", StringComparison.Ordinal).TrimStart('/');
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(forged, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("v/t62.7118-24/unknown.enc", ct)).StatusCode);
    }
}
