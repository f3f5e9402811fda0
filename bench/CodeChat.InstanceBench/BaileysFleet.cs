using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;

namespace CodeChat.InstanceBench;

/// <summary>
/// N Baileys 7 clients in ⌈N/K⌉ Node processes of K clients each (tests/interop/bench-clients.mjs),
/// every client with its own useMultiFileAuthState folder under the fleet's auth folder. Started
/// again on the same folders, the clients reconnect with their saved credentials.
/// </summary>
internal sealed class BaileysFleet : IAsyncDisposable
{
    private readonly List<ChildProcess> _processes = [];
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _open = new();
    private readonly ConcurrentDictionary<int, Channel<string>> _qrs = new();
    private readonly ConcurrentQueue<JsonElement> _heaps = new();
    private readonly int _perProcess;
    private int _ready;
    private int _reconnects;

    private BaileysFleet(int perProcess) => _perProcess = perProcess;

    public IReadOnlyList<int> ProcessIds => [.. _processes.Select(p => p.Id)];

    public int ProcessCount => _processes.Count;

    /// <summary>Clients whose connection opened at least once since this fleet started.</summary>
    public int OpenCount => _open.Values.Count(o => o.Task.IsCompleted);

    /// <summary>Closes other than the 515 restart after which a client connected again (timeouts, dropped sockets).</summary>
    public int Reconnects => Volatile.Read(ref _reconnects);

    /// <param name="startNow">true: every client connects at once (saved credentials); false: each waits for <see cref="LinkAsync"/>.</param>
    public static async Task<BaileysFleet> StartAsync(
        int clients, int perProcess, bool startNow, string authDirectory, string workDirectory, EmulatorProcess emulator, CancellationToken cancellationToken)
    {
        var fleet = new BaileysFleet(perProcess);
        var script = Path.Combine(Repository.Root, "tests", "interop", "bench-clients.mjs");
        var node = Environment.GetEnvironmentVariable("NODE") ?? "node";
        // at least one process: with no clients it shows what a Baileys process costs before any client
        var processes = Math.Max(1, (clients + perProcess - 1) / perProcess);
        for (var p = 0; p < processes; p++)
        {
            var first = p * perProcess;
            var count = Math.Max(0, Math.Min(perProcess, clients - first));
            fleet._processes.Add(ChildProcess.Start(
                node,
                ["--expose-gc", script, "--url", emulator.ChatUrl.ToString(), "--root-key", emulator.RootKey,
                 "--auth-dir", authDirectory, "--first", first.ToString(CultureInfo.InvariantCulture),
                 "--count", count.ToString(CultureInfo.InvariantCulture), "--start", startNow ? "now" : "on-command"],
                new Dictionary<string, string>(),
                Path.Combine(workDirectory, $"baileys-{p}.log"),
                fleet.OnLine));
        }

        await Until.TrueAsync(() => Task.FromResult(Volatile.Read(ref fleet._ready) == processes), TimeSpan.FromMinutes(5),
            "every Baileys process to load", cancellationToken);
        return fleet;
    }

    /// <summary>Starts one client from scratch and hands its QR to <paramref name="scan"/> (again with the next QR if a scan fails); the client's 515 restart and login follow.</summary>
    public async Task LinkAsync(int client, Func<string, CancellationToken, Task> scan, CancellationToken cancellationToken)
    {
        var qrs = QrsOf(client);
        await _processes[client / _perProcess].WriteLineAsync($$"""{"cmd":"start","client":{{client}}}""");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // generous: on a loaded machine a client's QR refs can expire (408) a few times before a scan lands
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        while (true)
        {
            var qr = await qrs.Reader.ReadAsync(timeout.Token);
            // a QR that waited in the queue may have expired; take the newest
            while (qrs.Reader.TryRead(out var newer))
                qr = newer;
            try
            {
                await scan(qr, timeout.Token);
                return;
            }
            catch (InvalidOperationException)
            {
                // refused (expired ref): Baileys shows the next QR in ≤ 20 s
            }
        }
    }

    /// <summary>Runs a full GC in every process and returns the summed V8 heapUsed.</summary>
    public async Task<long> HeapAfterFullGcAsync(CancellationToken cancellationToken)
    {
        _heaps.Clear();
        foreach (var process in _processes)
            await process.WriteLineAsync("""{"cmd":"gc"}""");
        await Until.TrueAsync(() => Task.FromResult(_heaps.Count == _processes.Count), TimeSpan.FromMinutes(2), "every Node process to report its heap", cancellationToken);
        if (_heaps.Any(h => !h.GetProperty("gc").GetBoolean()))
            throw new InvalidOperationException("node ran without --expose-gc");
        return _heaps.Sum(h => h.GetProperty("heapUsed").GetInt64());
    }

    public Task StopAsync() => Task.WhenAll(_processes.Select(p => p.StopAsync(TimeSpan.FromSeconds(30))));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
            await process.DisposeAsync();
        _processes.Clear();
    }

    private Channel<string> QrsOf(int client) => _qrs.GetOrAdd(client, _ => Channel.CreateUnbounded<string>());

    private TaskCompletionSource OpenOf(int client) =>
        _open.GetOrAdd(client, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private void OnLine(string line)
    {
        if (!line.StartsWith('{'))
            return;
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        switch (root.GetProperty("event").GetString())
        {
            case "ready":
                Interlocked.Increment(ref _ready);
                break;
            case "qr":
                QrsOf(root.GetProperty("client").GetInt32()).Writer.TryWrite(root.GetProperty("qr").GetString()!);
                break;
            case "open":
                OpenOf(root.GetProperty("client").GetInt32()).TrySetResult();
                break;
            case "reconnect":
                Interlocked.Increment(ref _reconnects);
                break;
            case "heap":
                _heaps.Enqueue(root.Clone());
                break;
        }
    }
}
