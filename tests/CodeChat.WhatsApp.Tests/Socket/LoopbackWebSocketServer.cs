using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Tests.Socket;

/// <summary>Kestrel on 127.0.0.1 with a random port, handing each accepted WebSocket at /ws/chat to a handler.</summary>
internal sealed class LoopbackWebSocketServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackWebSocketServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<LoopbackWebSocketServer> StartAsync(Func<WebSocket, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/ws/chat", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
            await handler(webSocket);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetService(typeof(IServer)) is IServer server
            ? server.Features.Get<IServerAddressesFeature>()!.Addresses.First()
            : throw new InvalidOperationException("Kestrel did not start.");
        return new LoopbackWebSocketServer(app, new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws/chat"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
