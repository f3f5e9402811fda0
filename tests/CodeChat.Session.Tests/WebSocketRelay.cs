using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodeChat.Session.Tests;

/// <summary>
/// A loopback WebSocket relay between our client and the emulator that forwards every message
/// unchanged and can push garbage at the client, standing for a broken server or network.
/// </summary>
public sealed class WebSocketRelay : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<WebSocket, SemaphoreSlim> _clients = new();
    private int _requests;
    private volatile bool _refusing;

    private WebSocketRelay(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public int ClientCount => _clients.Count;

    /// <summary>Connection attempts that reached the relay, refused ones included.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>While true, new connections are answered 503, as a server that is down.</summary>
    public bool Refusing
    {
        get => _refusing;
        set => _refusing = value;
    }

    /// <summary>Kills every relayed connection without a close handshake, as a network that went away.</summary>
    public void AbortClients()
    {
        foreach (var client in _clients.Keys)
            client.Abort();
    }

    public static async Task<WebSocketRelay> StartAsync(Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var relay = new WebSocketRelay(app);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Map("/ws/{**rest}", (HttpContext context) => relay.RelayAsync(context, upstream));
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        relay.Url = new Uri($"ws://127.0.0.1:{address.Port}/ws/chat");
        return relay;
    }

    /// <summary>
    /// Sends every connected client one well-framed transport frame (3-byte big-endian length, then
    /// the payload) whose payload is random bytes: it cannot decrypt, as a corrupted server frame.
    /// </summary>
    public Task SendCorruptFrameToClientsAsync(int length = 64)
    {
        var frame = new byte[3 + length];
        frame[0] = (byte)(length >> 16);
        frame[1] = (byte)(length >> 8);
        frame[2] = (byte)length;
        RandomNumberGenerator.Fill(frame.AsSpan(3));
        return SendToClientsAsync(frame);
    }

    /// <summary>
    /// Sends every connected client random bytes that are not a whole frame: their first three bytes
    /// announce a frame of megabytes, of which only these few bytes ever arrive.
    /// </summary>
    public Task SendGarbageToClientsAsync(int length = 40)
    {
        var garbage = RandomNumberGenerator.GetBytes(length);
        garbage[0] = 0x7F;
        return SendToClientsAsync(garbage);
    }

    private async Task SendToClientsAsync(byte[] frame)
    {
        foreach (var (socket, gate) in _clients)
        {
            await gate.WaitAsync();
            try
            {
                await socket.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None);
            }
            catch (WebSocketException)
            {
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private async Task RelayAsync(HttpContext context, Uri upstream)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        Interlocked.Increment(ref _requests);
        if (_refusing)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        using var client = await context.WebSockets.AcceptWebSocketAsync();
        using var server = new ClientWebSocket();
        await server.ConnectAsync(upstream, context.RequestAborted);
        var clientGate = new SemaphoreSlim(1, 1);
        _clients[client] = clientGate;
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            var up = PumpAsync(client, server, null, stop.Token);
            var down = PumpAsync(server, client, clientGate, stop.Token);
            await Task.WhenAny(up, down);
            await stop.CancelAsync();
        }
        finally
        {
            _clients.TryRemove(client, out _);
        }
    }

    private static async Task PumpAsync(WebSocket from, WebSocket to, SemaphoreSlim? gate, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await from.ReceiveAsync(buffer, cancellationToken);
                    if (result.MessageType == WebSocketMessageType.Close)
                        return;
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (gate is not null)
                    await gate.WaitAsync(cancellationToken);
                try
                {
                    await to.SendAsync(message.ToArray(), result.MessageType, true, cancellationToken);
                }
                finally
                {
                    gate?.Release();
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
