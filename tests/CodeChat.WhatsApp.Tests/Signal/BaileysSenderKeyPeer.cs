using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeChat.Testing;
using CodeChat.WhatsApp.Signal.Groups;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>
/// Baileys 7's own sender-key classes in a child Node process (tests/interop/senderkey-peer.mjs),
/// one command at a time over line-delimited JSON: the independent implementation our group
/// cipher must interoperate with.
/// </summary>
internal sealed class BaileysSenderKeyPeer : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly StringBuilder _stderr = new();
    private int _nextId;

    private BaileysSenderKeyPeer(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <param name="keepBuffers">
    /// Store records with Baileys' BufferJSON replacer instead of Baileys' own plain JSON, which
    /// loses the kept skipped message keys (Baileys 7.0.0-rc14 bug; see senderkey-peer.mjs).
    /// </param>
    public static async Task<BaileysSenderKeyPeer> StartAsync(CancellationToken cancellationToken, bool keepBuffers = false)
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
        start.ArgumentList.Add("senderkey-peer.mjs");
        if (keepBuffers)
        {
            start.ArgumentList.Add("--keep-buffers");
        }
        var peer = new BaileysSenderKeyPeer(Process.Start(start) ?? throw new InvalidOperationException("could not start node"));
        try
        {
            var ready = await peer.ReadLineAsync(cancellationToken);
            if (ready["ready"]?.GetValue<bool>() != true)
            {
                throw new InvalidOperationException($"senderkey-peer.mjs did not report ready: {ready}");
            }
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
        return peer;
    }

    public async Task<byte[]> CreateAsync(SenderKeyName name, CancellationToken cancellationToken) =>
        Bytes(await CommandAsync("create", name, null, cancellationToken), "skdm");

    public Task ProcessAsync(SenderKeyName name, ReadOnlyMemory<byte> skdm, CancellationToken cancellationToken) =>
        CommandAsync("process", name, ("skdm", skdm), cancellationToken);

    public async Task<byte[]> EncryptAsync(SenderKeyName name, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken) =>
        Bytes(await CommandAsync("encrypt", name, ("plaintext", plaintext), cancellationToken), "ciphertext");

    public async Task<byte[]> DecryptAsync(SenderKeyName name, ReadOnlyMemory<byte> ciphertext, CancellationToken cancellationToken) =>
        Bytes(await CommandAsync("decrypt", name, ("ciphertext", ciphertext), cancellationToken), "plaintext");

    /// <summary>Drops Baileys' record for the name, as a sender-key reset does.</summary>
    public Task ForgetAsync(SenderKeyName name, CancellationToken cancellationToken) =>
        CommandAsync("forget", name, null, cancellationToken);

    private static byte[] Bytes(JsonObject reply, string property) => Convert.FromBase64String(reply[property]!.GetValue<string>());

    private async Task<JsonObject> CommandAsync(string command, SenderKeyName name, (string Name, ReadOnlyMemory<byte> Value)? payload, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var id = ++_nextId;
            var request = new JsonObject
            {
                ["id"] = id,
                ["cmd"] = command,
                ["group"] = name.Group.ToString(),
                ["sender"] = name.Sender.ToString(),
            };
            if (payload is { } p)
            {
                request[p.Name] = Convert.ToBase64String(p.Value.Span);
            }
            await _process.StandardInput.WriteLineAsync(request.ToJsonString().AsMemory(), cancellationToken);
            await _process.StandardInput.FlushAsync(cancellationToken);
            var reply = await ReadLineAsync(cancellationToken);
            if (reply["id"]?.GetValue<int>() != id)
            {
                throw new InvalidOperationException($"senderkey-peer.mjs answered out of order: {reply}");
            }
            if (reply["ok"]?.GetValue<bool>() != true)
            {
                throw new BaileysSenderKeyException(command, reply["error"]?.GetValue<string>() ?? reply.ToJsonString());
            }
            return reply;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<JsonObject> ReadLineAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null)
        {
            string stderr;
            lock (_stderr)
            {
                stderr = _stderr.ToString();
            }
            throw new InvalidOperationException($"senderkey-peer.mjs exited; stderr:\n{stderr}");
        }
        return JsonNode.Parse(line)!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
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
}

/// <summary>Baileys refused a sender-key operation; the message is Baileys' own error text.</summary>
internal sealed class BaileysSenderKeyException(string command, string error)
    : Exception($"Baileys {command} failed: {error}")
{
    public string Error { get; } = error;
}
