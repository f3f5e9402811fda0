using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeChat.Session.Tests.Browser;

/// <summary>
/// One Chrome DevTools Protocol connection to a page target over its WebSocket: commands (id → result)
/// and events. Event handlers run off the receive loop, because a handler usually sends commands of its
/// own (answering a dialog, continuing a paused request) and must be able to await their results.
/// </summary>
public sealed class DevToolsConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly ConcurrentDictionary<string, Func<JsonElement, Task>> _handlers = new();
    private readonly ConcurrentQueue<Exception> _handlerFailures = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;
    private int _nextId;

    private DevToolsConnection()
    {
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
    }

    public static async Task<DevToolsConnection> ConnectAsync(Uri webSocketUrl, CancellationToken cancellationToken)
    {
        var connection = new DevToolsConnection();
        await connection._socket.ConnectAsync(webSocketUrl, cancellationToken);
        connection._receiving = Task.Run(connection.ReceiveLoopAsync, CancellationToken.None);
        return connection;
    }

    /// <summary>Exceptions thrown by event handlers; a test asserts this is empty.</summary>
    public IReadOnlyCollection<Exception> HandlerFailures => _handlerFailures;

    /// <summary>Runs <paramref name="handler"/> for every <paramref name="eventName"/> event (one handler per event).</summary>
    public void On(string eventName, Func<JsonElement, Task> handler) => _handlers[eventName] = handler;

    public async Task<JsonElement> SendAsync(string method, object? parameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = JsonSerializer.SerializeToNode(parameters ?? new { }) };
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
        // Generous for a loaded 2-core machine; a command that never answers is a failure, not a hang.
        return await answer.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page (awaiting a promise) and returns its value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken cancellationToken, bool userGesture = false)
    {
        var result = await SendAsync("Runtime.evaluate",
            new { expression, awaitPromise = true, returnByValue = true, userGesture }, cancellationToken);
        if (result.TryGetProperty("exceptionDetails", out var exception))
            throw new InvalidOperationException("The page threw: " + exception.GetRawText());
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                    break;
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                    continue;
                Dispatch(message.ToArray());
                message.SetLength(0);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            // The browser went away or we are disposing: the pending commands fail below.
        }
        foreach (var (_, pending) in _pending)
            pending.TrySetException(new InvalidOperationException("The DevTools connection closed."));
    }

    private void Dispatch(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.TryGetProperty("id", out var idElement))
        {
            if (!_pending.TryRemove(idElement.GetInt32(), out var answer))
                return;
            if (root.TryGetProperty("error", out var error))
                answer.TrySetException(new InvalidOperationException("DevTools refused: " + error.GetRawText()));
            else
                answer.TrySetResult(root.GetProperty("result").Clone());
            return;
        }
        if (root.TryGetProperty("method", out var method) && _handlers.TryGetValue(method.GetString()!, out var handler))
        {
            var parameters = root.GetProperty("params").Clone();
            _ = Task.Run(async () =>
            {
                try
                {
                    await handler(parameters);
                }
                catch (Exception exception)
                {
                    _handlerFailures.Enqueue(exception);
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception exception) when (exception is WebSocketException or TimeoutException or OperationCanceledException)
        {
            // Closing is best effort: the browser process is killed next anyway.
        }
        await _receiving;
        _socket.Dispose();
        _sendLock.Dispose();
        _stop.Dispose();
    }
}
