using System.Security.Cryptography;
using CodeChat.Media.Sources;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CodeChat.Media.Tests;

public sealed class MediaUrlFetcherTests
{
    private const string Field = "mediaMessage.media";

    private static MediaUrlFetcher Fetcher(params string[] allowed) =>
        new(Options.Create(new MediaOptions { AllowedNetworks = [.. allowed], FetchTimeout = TimeSpan.FromSeconds(30) }));

    [Fact]
    public async Task An_allowed_loopback_server_is_fetched_byte_for_byte_with_its_content_type_and_name()
    {
        var ct = TestContext.Current.CancellationToken;
        var body = RandomNumberGenerator.GetBytes(300_001);
        await using var server = await LoopbackHttpServer.StartAsync("127.0.0.1", async context =>
        {
            context.Response.ContentType = "image/png; charset=binary";
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }, ct);
        using var fetcher = Fetcher("127.0.0.1/32");

        await using var source = await fetcher.FetchAsync(new Uri(server.BaseUrl, "files/photo%20one.png"), 1_000_000, Field, ct);

        Assert.Equal(body.Length, source.Length);
        Assert.Equal(body, await File.ReadAllBytesAsync(source.Path, ct));
        Assert.Equal("image/png", source.ContentType);
        Assert.Equal("photo one.png", source.FileName);
        Assert.Equal(0, source.Content.Position);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/x")]
    [InlineData("http://localhost:{port}/x")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/x")]
    [InlineData("http://10.0.0.1/x")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://192.168.1.1/x")]
    [InlineData("http://172.16.5.4/x")]
    [InlineData("http://[fe80::1]/x")]
    [InlineData("http://[fc00::1]/x")]
    public async Task Internal_targets_are_refused_without_an_allow_list_naming_the_field(string template)
    {
        var ct = TestContext.Current.CancellationToken;
        var requests = 0;
        await using var server = await LoopbackHttpServer.StartAsync("127.0.0.1", context =>
        {
            Interlocked.Increment(ref requests);
            return context.Response.WriteAsync("secret", context.RequestAborted);
        }, ct);
        using var fetcher = Fetcher();

        var url = new Uri(template.Replace("{port}", server.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var error = await Assert.ThrowsAsync<MediaInputException>(() => fetcher.FetchAsync(url, 1_000_000, Field, ct));

        Assert.Equal(Field, error.Field);
        Assert.StartsWith(Field + " may not be fetched", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref requests));
    }

    [Fact]
    public async Task A_redirect_to_an_address_off_the_allow_list_is_refused_before_connecting()
    {
        var ct = TestContext.Current.CancellationToken;
        var internalRequests = 0;
        await using var inside = await LoopbackHttpServer.StartAsync("127.0.0.2", context =>
        {
            Interlocked.Increment(ref internalRequests);
            return context.Response.WriteAsync("internal", context.RequestAborted);
        }, ct);
        await using var allowed = await LoopbackHttpServer.StartAsync("127.0.0.1", context =>
        {
            context.Response.Redirect(context.Request.Path == "/private" ? "http://10.1.2.3/admin" : new Uri(inside.BaseUrl, "secret").ToString());
            return Task.CompletedTask;
        }, ct);
        using var fetcher = Fetcher("127.0.0.1");

        foreach (var path in new[] { "loopback", "private" })
        {
            var error = await Assert.ThrowsAsync<MediaInputException>(() => fetcher.FetchAsync(new Uri(allowed.BaseUrl, path), 1_000_000, Field, ct));
            Assert.Equal(Field, error.Field);
            Assert.Contains("may not be fetched", error.Message, StringComparison.Ordinal);
        }
        Assert.Equal(0, Volatile.Read(ref internalRequests));
    }

    [Fact]
    public async Task Redirects_within_the_allow_list_are_followed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackHttpServer.StartAsync("127.0.0.1", context =>
        {
            if (context.Request.Path == "/start")
            {
                context.Response.Redirect("/end.pdf");
                return Task.CompletedTask;
            }
            return context.Response.WriteAsync("%PDF-1.4 end", context.RequestAborted);
        }, ct);
        using var fetcher = Fetcher("127.0.0.1");

        await using var source = await fetcher.FetchAsync(new Uri(server.BaseUrl, "start"), 1_000, Field, ct);

        Assert.Equal("%PDF-1.4 end", await File.ReadAllTextAsync(source.Path, ct));
        Assert.Equal("end.pdf", source.FileName);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_limit_is_too_large_whether_or_not_its_length_is_declared(bool declareLength)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackHttpServer.StartAsync("127.0.0.1", async context =>
        {
            if (declareLength)
                context.Response.ContentLength = 10_001;
            await context.Response.Body.WriteAsync(new byte[10_001], context.RequestAborted);
        }, ct);
        using var fetcher = Fetcher("127.0.0.1");

        var error = await Assert.ThrowsAsync<MediaTooLargeException>(() => fetcher.FetchAsync(server.BaseUrl, 10_000, Field, ct));

        Assert.Equal(Field, error.Field);
        Assert.Equal(10_000, error.LimitBytes);
    }

    [Fact]
    public async Task A_server_that_does_not_finish_in_time_is_an_input_error()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackHttpServer.StartAsync("127.0.0.1", async context =>
        {
            await context.Response.WriteAsync("partial", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromMinutes(2), context.RequestAborted);
        }, ct);
        using var fetcher = new MediaUrlFetcher(Options.Create(new MediaOptions { AllowedNetworks = ["127.0.0.1"], FetchTimeout = TimeSpan.FromSeconds(1) }));

        var error = await Assert.ThrowsAsync<MediaInputException>(() => fetcher.FetchAsync(server.BaseUrl, 1_000, Field, ct));

        Assert.Contains("within 1 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_status_is_an_input_error_naming_the_status()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackHttpServer.StartAsync("127.0.0.1", context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        }, ct);
        using var fetcher = Fetcher("127.0.0.1");

        var error = await Assert.ThrowsAsync<MediaInputException>(() => fetcher.FetchAsync(server.BaseUrl, 1_000, Field, ct));

        Assert.Equal(Field, error.Field);
        Assert.Contains("HTTP 404", error.Message, StringComparison.Ordinal);
    }
}
