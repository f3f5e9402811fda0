using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeChat.Testing;

/// <summary>
/// One unmodified Baileys client in a child Node process (tests/interop/driver.mjs), driven through
/// line-delimited JSON. Each event can be taken by exactly one waiter, so waiting for "open" twice
/// (before and after a reconnect) sees two different events.
/// </summary>
public sealed class BaileysPeer : IAsyncDisposable
{
    private const int StderrTailLines = 200;

    private readonly Process _process;
    private readonly BaileysPeerOptions _options;
    private readonly object _gate = new();
    private readonly List<JsonObject> _unclaimedEvents = [];
    private readonly List<EventWaiter> _waiters = [];
    private readonly List<string> _allEventLines = [];
    private readonly Queue<string> _stderrTail = new();
    private readonly SemaphoreSlim _stdinLock = new(1, 1);
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private int _nextCommandId;
    private bool _exited;

    private BaileysPeer(Process process, BaileysPeerOptions options)
    {
        _process = process;
        _options = options;
        _stdoutPump = Task.Run(PumpStdoutAsync);
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    public string Name => _options.Name;

    /// <summary>Starts the driver and waits for its "ready" line.</summary>
    public static async Task<BaileysPeer> StartAsync(BaileysPeerOptions options, CancellationToken cancellationToken)
    {
        var start = NodeLinePeer.StartInfo("driver.mjs");
        start.ArgumentList.Add("--url");
        start.ArgumentList.Add(options.EmulatorUrl.ToString());
        start.ArgumentList.Add("--log");
        start.ArgumentList.Add(options.LogLevel);
        start.ArgumentList.Add("--keepalive-ms");
        start.ArgumentList.Add(((long)options.KeepAliveInterval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (options.TrustedRootKey is { } root)
        {
            start.ArgumentList.Add("--root-key");
            start.ArgumentList.Add(Convert.ToHexString(root.Span));
        }

        if (options.CredsFile is { } credsFile)
        {
            start.ArgumentList.Add("--creds");
            start.ArgumentList.Add(credsFile);
        }

        if (options.ExtraCaCertificatesFile is { } caFile)
        {
            // read by Node once at start-up; Baileys' media upload (https) and download (fetch) both honour it
            start.Environment["NODE_EXTRA_CA_CERTS"] = caFile;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var peer = new BaileysPeer(process, options);
        try
        {
            await peer.WaitForEventAsync("ready", cancellationToken: cancellationToken);
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }

        return peer;
    }

    /// <summary>Recent stderr lines of the driver (Baileys logs, stack traces).</summary>
    public string StandardErrorTail
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _stderrTail);
            }
        }
    }

    /// <summary>Sends a command and waits for its result; an "error" reply throws with the driver's message.</summary>
    public async Task<JsonObject> CommandAsync(string command, object? arguments = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _nextCommandId);
        var payload = arguments is null ? new JsonObject() : JsonSerializer.SerializeToNode(arguments, JsonOptions)!.AsObject();
        payload["cmd"] = command;
        payload["id"] = id;

        var reply = WaitForEventAsync(
            e => (e["event"]?.GetValue<string>() is "result" or "error") && e["id"]?.GetValueKind() == JsonValueKind.Number && e["id"]!.GetValue<int>() == id,
            $"reply to {command}#{id}",
            timeout,
            cancellationToken);

        await _stdinLock.WaitAsync(cancellationToken);
        try
        {
            await _process.StandardInput.WriteLineAsync(payload.ToJsonString().AsMemory(), cancellationToken);
            await _process.StandardInput.FlushAsync(cancellationToken);
        }
        finally
        {
            _stdinLock.Release();
        }

        var result = await reply;
        if (result["event"]!.GetValue<string>() == "error")
        {
            throw new BaileysPeerException($"{Name}: {command} failed: {result["message"]}", StandardErrorTail);
        }

        return result;
    }

    public Task<JsonObject> WaitForEventAsync(string eventName, Func<JsonObject, bool>? predicate = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitForEventAsync(e => e["event"]?.GetValue<string>() == eventName && (predicate?.Invoke(e) ?? true), $"event {eventName}", timeout, cancellationToken);

    public async Task<JsonObject> WaitForEventAsync(Func<JsonObject, bool> predicate, string description, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var waiter = new EventWaiter(predicate);
        lock (_gate)
        {
            var index = _unclaimedEvents.FindIndex(e => predicate(e));
            if (index >= 0)
            {
                var found = _unclaimedEvents[index];
                _unclaimedEvents.RemoveAt(index);
                return found;
            }

            if (_exited)
            {
                throw Failure($"{Name}: driver exited before {description}");
            }

            _waiters.Add(waiter);
        }

        var limit = timeout ?? _options.DefaultTimeout;
        try
        {
            return await waiter.Completion.Task.WaitAsync(limit, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw Failure($"{Name}: no {description} within {limit.TotalSeconds:0.#} s");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    // --- Convenience wrappers for the common flows ------------------------------------------------

    public Task ConnectAsync(CancellationToken cancellationToken) => CommandAsync("connect", cancellationToken: cancellationToken);

    public async Task<string> WaitForQrAsync(CancellationToken cancellationToken) =>
        (await WaitForEventAsync("qr", cancellationToken: cancellationToken))["qr"]!.GetValue<string>();

    /// <summary>
    /// Baileys' <c>requestPairingCode(phone)</c> on the registration socket (after <see cref="ConnectAsync"/>);
    /// returns the 8-character code the user would type on the phone.
    /// </summary>
    public async Task<string> RequestPairingCodeAsync(string phone, CancellationToken cancellationToken) =>
        (await CommandAsync("pairingCode", new { phone }, cancellationToken: cancellationToken))["code"]!.GetValue<string>();

    /// <summary>Waits for connection "open"; returns Baileys' own JID (creds.me.id).</summary>
    public async Task<JsonObject> WaitForOpenAsync(CancellationToken cancellationToken) =>
        (await WaitForEventAsync("open", cancellationToken: cancellationToken))["me"]!.AsObject();

    public async Task<string> SendTextAsync(string to, string text, CancellationToken cancellationToken) =>
        (await CommandAsync("send", new { to, text }, cancellationToken: cancellationToken))["messageId"]!.GetValue<string>();

    public Task<JsonObject> WaitForMessageAsync(Func<JsonObject, bool> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitForEventAsync("message", predicate, timeout, cancellationToken);

    public Task<JsonObject> WaitForTextAsync(string text, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitForMessageAsync(e => e["text"]?.GetValue<string>() == text, timeout, cancellationToken);

    /// <summary>Closes the socket but keeps the process (and its auth state) for a later connect.</summary>
    public Task DisconnectAsync(CancellationToken cancellationToken) => CommandAsync("disconnect", cancellationToken: cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }

        await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
        _stdinLock.Dispose();
    }

    private BaileysPeerException Failure(string message)
    {
        string events;
        lock (_gate)
        {
            events = string.Join('\n', _allEventLines.TakeLast(30));
        }

        return new BaileysPeerException($"{message}\n--- last events ---\n{events}", StandardErrorTail);
    }

    private async Task PumpStdoutAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            JsonObject? parsed;
            try
            {
                parsed = JsonNode.Parse(line) as JsonObject;
            }
            catch (JsonException)
            {
                parsed = null;
            }

            lock (_gate)
            {
                _allEventLines.Add(line);
                if (parsed is null)
                {
                    AppendStderr($"[stdout, not JSON] {line}");
                    continue;
                }

                var waiter = _waiters.FirstOrDefault(w => w.Predicate(parsed));
                if (waiter is not null)
                {
                    _waiters.Remove(waiter);
                    waiter.Completion.TrySetResult(parsed);
                }
                else
                {
                    _unclaimedEvents.Add(parsed);
                }
            }
        }

        lock (_gate)
        {
            _exited = true;
            foreach (var waiter in _waiters)
            {
                waiter.Completion.TrySetException(Failure($"{Name}: driver exited"));
            }

            _waiters.Clear();
        }
    }

    private async Task PumpStderrAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            lock (_gate)
            {
                AppendStderr(line);
            }
        }
    }

    private void AppendStderr(string line)
    {
        _stderrTail.Enqueue(line);
        while (_stderrTail.Count > StderrTailLines)
        {
            _stderrTail.Dequeue();
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed class EventWaiter(Func<JsonObject, bool> predicate)
    {
        public Func<JsonObject, bool> Predicate { get; } = predicate;

        public TaskCompletionSource<JsonObject> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
