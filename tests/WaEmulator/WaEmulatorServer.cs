using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodeChat.WaEmulator;

/// <summary>
/// Hosts the emulator on loopback: the chat WebSocket at /ws/chat (any path under /ws works, the real
/// clients ignore it) and the HTTP control API under /_emulator. Use <see cref="Emulator"/> for the
/// in-process control API.
/// </summary>
public sealed class WaEmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WaEmulatorServer(WebApplication app, Emulator emulator, Uri baseUrl)
    {
        _app = app;
        Emulator = emulator;
        BaseUrl = baseUrl;
    }

    public Emulator Emulator { get; }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseUrl { get; }

    public Uri WebSocketUrl => new($"ws://{BaseUrl.Authority}/ws/chat");

    public static async Task<WaEmulatorServer> StartAsync(WaEmulatorOptions options, Action<ILoggingBuilder>? configureLogging = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        configureLogging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            // first login uploads 812 prekeys in one frame; keep Kestrel's own limits out of the way
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<Emulator>();

        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        var emulator = app.Services.GetRequiredService<Emulator>();
        app.Map("/ws/{**rest}", (HttpContext context) => emulator.AcceptAsync(context));
        ControlApi.Map(app, emulator);

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new WaEmulatorServer(app, emulator, new Uri($"http://127.0.0.1:{port}/"));
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DropAllConnectionsAsync();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
    }
}
