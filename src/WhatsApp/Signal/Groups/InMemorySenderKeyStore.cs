using System.Collections.Concurrent;

namespace CodeChat.WhatsApp.Signal.Groups;

/// <summary>
/// <see cref="ISenderKeyStore"/> in process memory, for tests and tools. Records are kept
/// serialized, so a loaded record that the caller changes and does not store leaves the store as
/// it was, exactly as with the PostgreSQL store.
/// </summary>
public sealed class InMemorySenderKeyStore : ISenderKeyStore
{
    private readonly ConcurrentDictionary<SenderKeyName, byte[]> _records = new();

    public ValueTask<SenderKeyRecord?> LoadSenderKeyAsync(SenderKeyName name, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_records.TryGetValue(name, out var serialized) ? SenderKeyRecord.Deserialize(serialized) : null);

    public ValueTask StoreSenderKeyAsync(SenderKeyName name, SenderKeyRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        _records[name] = record.Serialize();
        return ValueTask.CompletedTask;
    }

    /// <summary>Forgets every record (a wiped device).</summary>
    public void Clear() => _records.Clear();

    public ValueTask RemoveSenderKeyAsync(SenderKeyName name, CancellationToken cancellationToken = default)
    {
        _records.TryRemove(name, out _);
        return ValueTask.CompletedTask;
    }
}
