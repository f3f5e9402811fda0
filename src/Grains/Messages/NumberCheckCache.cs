using CodeChat.WhatsApp.Client;

namespace CodeChat.Grains.Messages;

/// <summary>
/// One instance's recent "on WhatsApp" answers by number (digits), so a burst of sends to one
/// contact asks WhatsApp once (api-contract.md §5: throttled number checks). Bounded: the answer
/// stored longest ago makes room; expiring: an answer older than the cache time is asked again.
/// Used on grain turns only (one thread at a time).
/// </summary>
public sealed class NumberCheckCache(int capacity, TimeSpan lifetime, TimeProvider timeProvider)
{
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _byAge = new();

    public int Count => _entries.Count;

    public bool TryGet(string digits, out OnWhatsAppResult result)
    {
        if (_entries.TryGetValue(digits, out var node) && timeProvider.GetUtcNow() - node.Value.At < lifetime)
        {
            result = node.Value.Result;
            return true;
        }
        result = null!;
        return false;
    }

    public void Add(string digits, OnWhatsAppResult result)
    {
        if (_entries.Remove(digits, out var previous))
            _byAge.Remove(previous);
        _entries[digits] = _byAge.AddLast(new Entry(digits, result, timeProvider.GetUtcNow()));
        while (_entries.Count > capacity && _byAge.First is { } oldest)
        {
            _byAge.RemoveFirst();
            _entries.Remove(oldest.Value.Digits);
        }
    }

    private sealed record Entry(string Digits, OnWhatsAppResult Result, DateTimeOffset At);
}
