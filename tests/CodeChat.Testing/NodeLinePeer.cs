using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeChat.Testing;

/// <summary>
/// A script of tests/interop in a child Node process that speaks line-delimited JSON: it writes
/// <c>{"ready":true}</c> once it can take commands, then answers each request line
/// <c>{"id":n,"cmd":...}</c> with one reply line <c>{"id":n,"ok":true,...}</c> or
/// <c>{"id":n,"ok":false,"error":"..."}</c>, in order. Requests go one at a time; a reply with another
/// id, a reply that never comes and a script that exits all fail with the script's recent stderr.
/// </summary>
public sealed class NodeLinePeer : IAsyncDisposable
{
    private const int StderrTailLines = 200;
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Queue<string> _stderrTail = new();
    private int _nextId;

    private NodeLinePeer(Process process, string script)
    {
        _process = process;
        Script = script;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (_stderrTail)
            {
                _stderrTail.Enqueue(e.Data);
                while (_stderrTail.Count > StderrTailLines)
                    _stderrTail.Dequeue();
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>The script's file name in tests/interop, for messages.</summary>
    public string Script { get; }

    /// <summary>The script's last stderr lines.</summary>
    public string StandardErrorTail
    {
        get
        {
            lock (_stderrTail)
                return string.Join('\n', _stderrTail);
        }
    }

    /// <summary>How to run <paramref name="script"/> of tests/interop with Node, its streams redirected as UTF-8.</summary>
    public static ProcessStartInfo StartInfo(string script, IEnumerable<string>? arguments = null)
    {
        var start = new ProcessStartInfo(BaileysInteropPaths.NodeExecutable())
        {
            WorkingDirectory = BaileysInteropPaths.InteropDirectory(),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments ?? [])
            start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>Starts the script and waits for its ready line.</summary>
    public static async Task<NodeLinePeer> StartAsync(
        string script, IEnumerable<string>? arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var process = Process.Start(StartInfo(script, arguments)) ?? throw new InvalidOperationException("could not start node");
        var peer = new NodeLinePeer(process, script);
        try
        {
            var ready = await peer.ReadLineAsync(timeout, cancellationToken);
            if (ready["ready"]?.GetValue<bool>() != true)
                throw peer.Failure($"did not report ready: {ready.ToJsonString()}");
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
        return peer;
    }

    /// <summary>
    /// Sends <paramref name="request"/> (its <c>id</c> is set here) and returns the reply with the same
    /// id. A reply with <c>ok:false</c> throws <see cref="NodeLinePeerException"/> with the script's error.
    /// </summary>
    public async Task<JsonObject> RequestAsync(JsonObject request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var id = ++_nextId;
            request["id"] = id;
            await _process.StandardInput.WriteLineAsync(request.ToJsonString().AsMemory(), cancellationToken);
            await _process.StandardInput.FlushAsync(cancellationToken);
            var reply = await ReadLineAsync(timeout, cancellationToken);
            if (reply["id"] is not { } replyId || replyId.GetValueKind() != JsonValueKind.Number || replyId.GetValue<int>() != id)
                throw Failure($"answered request {id} out of order: {reply.ToJsonString()}");
            if (reply["ok"]?.GetValue<bool>() != true)
            {
                var command = request["cmd"]?.GetValue<string>() ?? "request";
                throw new NodeLinePeerException(Script, command, reply["error"]?.GetValue<string>() ?? reply.ToJsonString(), StandardErrorTail);
            }
            return reply;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var exit = new CancellationTokenSource(ExitGrace);
            await _process.WaitForExitAsync(exit.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
            _gate.Dispose();
        }
    }

    private async Task<JsonObject> ReadLineAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        string? line;
        try
        {
            line = await _process.StandardOutput.ReadLineAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure($"did not answer within {timeout.TotalSeconds:0.#} s");
        }
        if (line is null)
            throw Failure("exited");
        return JsonNode.Parse(line) as JsonObject ?? throw Failure($"wrote a line that is not a JSON object: {line}");
    }

    private InvalidOperationException Failure(string what) =>
        new($"{Script} {what}; stderr:\n{StandardErrorTail}");
}
