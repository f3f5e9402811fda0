using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CodeChat.WaEmulator;

/// <summary>
/// The emulated WhatsApp side: chat server, every test account's phone, and the in-process test API.
/// </summary>
public sealed class Emulator(WaEmulatorOptions options, ILogger<Emulator> logger)
{
    private readonly ConcurrentDictionary<long, LiveConnection> _connections = new();
    private readonly ConcurrentQueue<ConnectionRecord> _connectionLog = new();
    private long _nextConnectionId;

    public WaEmulatorOptions Options { get; } = options;

    /// <summary>Every WebSocket connection accepted so far, oldest first.</summary>
    public IReadOnlyList<ConnectionRecord> Connections => [.. _connectionLog];

    internal async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var record = new ConnectionRecord(
            Interlocked.Increment(ref _nextConnectionId),
            DateTimeOffset.UtcNow,
            context.Request.Headers.Origin.ToString() is { Length: > 0 } origin ? origin : null,
            context.Connection.RemoteIpAddress + ":" + context.Connection.RemotePort);
        _connectionLog.Enqueue(record);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var live = new LiveConnection(record, socket, abort);
        _connections[record.Id] = live;
        logger.LogInformation("Connection {ConnectionId} accepted from {Remote} (origin {Origin})", record.Id, record.RemoteEndpoint, record.Origin);
        try
        {
            await ServeAsync(live, abort.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            logger.LogDebug("Connection {ConnectionId} ended: {Reason}", record.Id, ex.Message);
        }
        catch (Exception ex)
        {
            // One misbehaving client must never take the emulator down for the others.
            logger.LogWarning(ex, "Connection {ConnectionId} failed", record.Id);
        }
        finally
        {
            _connections.TryRemove(record.Id, out _);
            logger.LogInformation("Connection {ConnectionId} closed", record.Id);
        }
    }

    private static async Task ServeAsync(LiveConnection live, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (live.Socket.State == WebSocketState.Open)
        {
            var received = await live.Socket.ReceiveAsync(buffer, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await live.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                return;
            }
        }
    }

    /// <summary>Drops every live connection at once (clients see the socket die).</summary>
    public Task DropAllConnectionsAsync()
    {
        foreach (var live in _connections.Values)
        {
            live.Abort();
        }

        return Task.CompletedTask;
    }

    private sealed class LiveConnection(ConnectionRecord record, WebSocket socket, CancellationTokenSource abort)
    {
        public ConnectionRecord Record { get; } = record;

        public WebSocket Socket { get; } = socket;

        public void Abort()
        {
            Socket.Abort();
            abort.Cancel();
        }
    }
}
