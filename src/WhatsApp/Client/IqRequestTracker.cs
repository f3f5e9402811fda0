using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// Correlates outgoing iqs with their answers by id (whatsapp-protocol.md §5.10): ids are
/// <c>b0.b1-n</c> from two random 16-bit numbers and a counter, like Baileys.
/// </summary>
public sealed class IqRequestTracker
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Node>> _pending = new(StringComparer.Ordinal);
    private readonly string _prefix;
    private long _counter;

    public IqRequestTracker()
    {
        _prefix = string.Create(CultureInfo.InvariantCulture,
            $"{RandomNumberGenerator.GetInt32(ushort.MaxValue + 1)}.{RandomNumberGenerator.GetInt32(ushort.MaxValue + 1)}-");
    }

    public int PendingCount => _pending.Count;

    public string NextId() => _prefix + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture);

    /// <summary>Registers a waiter for <paramref name="id"/>; the task completes with the answer node.</summary>
    public Task<Node> Register(string id)
    {
        var completion = new TaskCompletionSource<Node>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(id, completion))
        {
            throw new InvalidOperationException($"An iq with id '{id}' is already waiting.");
        }
        return completion.Task;
    }

    public void Forget(string id) => _pending.TryRemove(id, out _);

    /// <summary>Completes the waiter of an incoming <c>iq</c> result/error or <c>ack</c>; false when nobody waits for it.</summary>
    public bool TryComplete(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Tag is not ("iq" or "ack"))
        {
            return false;
        }
        if (node.Tag == "iq" && node.GetAttribute("type") is not ("result" or "error"))
        {
            return false;
        }
        var id = node.GetAttribute("id");
        if (id is null || !_pending.TryRemove(id, out var completion))
        {
            return false;
        }
        completion.TrySetResult(node);
        return true;
    }

    /// <summary>Fails every waiter, e.g. when the socket dies (whatsmeow clearResponseWaiters).</summary>
    public void FailAll(Exception exception)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var completion))
            {
                completion.TrySetException(exception);
            }
        }
    }
}
