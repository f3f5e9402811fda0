using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodeChat.Session.Tests;

/// <summary>
/// The web server a media send fetches from in the tests: files by path on one loopback address,
/// and a count of the requests it got (to prove a refused fetch reached nobody).
/// </summary>
public sealed class MediaFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (byte[] Body, string ContentType)> _files = new();
    private int _requests;

    private MediaFileServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<MediaFileServer> StartAsync(string address)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(address), 0));
        var server = new MediaFileServer(builder.Build());
        server._app.Run(server.ServeAsync);
        await server._app.StartAsync(TestContext.Current.CancellationToken);
        var bound = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUrl = new Uri(bound.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Serves <paramref name="body"/> at <paramref name="path"/>; returns its URL.</summary>
    public string Add(string path, byte[] body, string contentType)
    {
        _files[path] = (body, contentType);
        return new Uri(BaseUrl, path).ToString();
    }

    private async Task ServeAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (!_files.TryGetValue(context.Request.Path.Value!.TrimStart('/'), out var file))
        {
            context.Response.StatusCode = 404;
            return;
        }
        context.Response.ContentType = file.ContentType;
        context.Response.ContentLength = file.Body.Length;
        await context.Response.Body.WriteAsync(file.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
