using CodeChat.Media.Preparation;
using CodeChat.Media.Sources;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace CodeChat.Media.Tests;

public sealed class LinkPreviewReaderTests
{
    private static (LinkPreviewReader Reader, MediaUrlFetcher Fetcher) Create(params string[] allowed)
    {
        var options = Options.Create(new MediaOptions { AllowedNetworks = [.. allowed] });
        var fetcher = new MediaUrlFetcher(options);
        return (new LinkPreviewReader(fetcher, options), fetcher);
    }

    [Fact]
    public async Task Open_graph_tags_give_title_description_and_an_absolute_image_url_and_the_image_a_thumbnail()
    {
        var ct = TestContext.Current.CancellationToken;
        var png = TestMedia.Image(1200, 630);
        await using var server = await LoopbackHttpServer.StartAsync("127.0.0.1", async context =>
        {
            if (context.Request.Path == "/cover.png")
            {
                context.Response.ContentType = "image/png";
                await context.Response.Body.WriteAsync(png, context.RequestAborted);
                return;
            }
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync("""
                <html><head><title>Fallback</title>
                <meta content="Caf&eacute; &amp; bar" property="og:title">
                <meta property='og:description' content='Open every day'>
                <meta property="og:image" content="/cover.png"></head><body>hi</body></html>
                """, context.RequestAborted);
        }, ct);
        var (reader, fetcher) = Create("127.0.0.1");
        using var _ = fetcher;

        var page = await reader.ReadPageAsync(new Uri(server.BaseUrl, "post"), ct);

        Assert.NotNull(page);
        Assert.Equal("Café & bar", page.Value.Title);
        Assert.Equal("Open every day", page.Value.Description);
        Assert.Equal(new Uri(server.BaseUrl, "cover.png").ToString(), page.Value.ImageUrl);
        var thumbnail = await reader.ReadThumbnailAsync(new Uri(page.Value.ImageUrl!), "linkMessage.thumbnailUrl", ct);
        using var decoded = SKBitmap.Decode(thumbnail.JpegThumbnail);
        Assert.Equal((320, 168), (decoded.Width, decoded.Height));
    }

    [Fact]
    public async Task The_title_tag_and_meta_description_are_the_fallback()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackHttpServer.StartAsync("127.0.0.1", context =>
        {
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("<title> Plain page </title><meta name=\"description\" content=\"About us\">", context.RequestAborted);
        }, ct);
        var (reader, fetcher) = Create("127.0.0.1");
        using var _ = fetcher;

        var page = await reader.ReadPageAsync(server.BaseUrl, ct);

        Assert.Equal(("Plain page", "About us", (string?)null), page!.Value);
    }

    [Fact]
    public async Task A_page_the_policy_refuses_has_no_preview_and_a_refused_thumbnail_names_its_field()
    {
        var ct = TestContext.Current.CancellationToken;
        var requests = 0;
        await using var server = await LoopbackHttpServer.StartAsync("127.0.0.1", context =>
        {
            Interlocked.Increment(ref requests);
            return context.Response.WriteAsync("<title>internal</title>", context.RequestAborted);
        }, ct);
        var (reader, fetcher) = Create();
        using var _ = fetcher;

        Assert.Null(await reader.ReadPageAsync(server.BaseUrl, ct));
        var error = await Assert.ThrowsAsync<MediaInputException>(() => reader.ReadThumbnailAsync(server.BaseUrl, "linkMessage.thumbnailUrl", ct));
        Assert.Equal("linkMessage.thumbnailUrl", error.Field);
        Assert.Equal(0, Volatile.Read(ref requests));
    }
}
