namespace CodeChat.WhatsApp.AppState;

/// <summary>
/// What a client keeps of one collection between syncs: the version it reached, the LT-hash at that
/// version, and the value MAC of every index it holds (needed to subtract a value when a later
/// mutation replaces or removes it). Whatsmeow keeps the same (store <c>AppStateVersion</c> and
/// <c>AppStateMutationMAC</c>), Baileys its <c>LTHashState</c>.
/// </summary>
public sealed class AppStateCollectionState
{
    private const int PairLength = 2 * AppStateMacs.Length;
    private readonly Dictionary<string, byte[]> _valueMacs;

    private AppStateCollectionState(string name, ulong version, byte[] hash, Dictionary<string, byte[]> valueMacs)
    {
        Name = name;
        Version = version;
        Hash = hash;
        _valueMacs = valueMacs;
    }

    public string Name { get; }

    /// <summary>0 before the first sync.</summary>
    public ulong Version { get; internal set; }

    /// <summary>The 128-byte LT-hash.</summary>
    public byte[] Hash { get; }

    /// <summary>Indexes held (by their MAC).</summary>
    public int Count => _valueMacs.Count;

    /// <summary>A collection never synced: version 0, zero hash, nothing held.</summary>
    public static AppStateCollectionState Empty(string name) => new(name, 0, new byte[LtHash.Length], new Dictionary<string, byte[]>(StringComparer.Ordinal));

    /// <summary>Restores a stored state (<see cref="SerializeValueMacs"/> wrote <paramref name="valueMacs"/>).</summary>
    public static AppStateCollectionState Restore(string name, ulong version, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> valueMacs)
    {
        if (hash.Length != LtHash.Length)
            throw new ArgumentException($"An LT-hash is {LtHash.Length} bytes.", nameof(hash));
        if (valueMacs.Length % PairLength != 0)
            throw new ArgumentException("Stored value MACs are pairs of 32-byte MACs.", nameof(valueMacs));
        var map = new Dictionary<string, byte[]>(valueMacs.Length / PairLength, StringComparer.Ordinal);
        for (var offset = 0; offset < valueMacs.Length; offset += PairLength)
            map[Convert.ToBase64String(valueMacs.Slice(offset, AppStateMacs.Length))] = valueMacs.Slice(offset + AppStateMacs.Length, AppStateMacs.Length).ToArray();
        return new AppStateCollectionState(name, version, hash.ToArray(), map);
    }

    /// <summary>Every (index MAC, value MAC) pair, 64 bytes each, for storage.</summary>
    public byte[] SerializeValueMacs()
    {
        var result = new byte[_valueMacs.Count * PairLength];
        var offset = 0;
        foreach (var (index, value) in _valueMacs)
        {
            Convert.FromBase64String(index).CopyTo(result, offset);
            value.CopyTo(result, offset + AppStateMacs.Length);
            offset += PairLength;
        }
        return result;
    }

    public AppStateCollectionState Clone() =>
        new(Name, Version, (byte[])Hash.Clone(), new Dictionary<string, byte[]>(_valueMacs, StringComparer.Ordinal));

    /// <summary>The value MAC held for an index, if any.</summary>
    public byte[]? ValueMacOf(ReadOnlySpan<byte> indexMac) =>
        _valueMacs.TryGetValue(Convert.ToBase64String(indexMac), out var value) ? value : null;

    /// <summary>
    /// Applies one mutation to the hash and the map: a SET adds its value and subtracts the value it
    /// replaces; a REMOVE subtracts the value it removes. A REMOVE of an index we never held changes
    /// nothing (WhatsApp Web logs and skips it, as Baileys 7's <c>makeLtHashGenerator</c> notes), so
    /// the snapshot MAC check that follows decides whether the collection is still consistent.
    /// </summary>
    internal void Mix(bool remove, byte[] indexMac, byte[] valueMac)
    {
        var key = Convert.ToBase64String(indexMac);
        var previous = _valueMacs.GetValueOrDefault(key);
        if (remove)
        {
            if (previous is null)
                return;
            _valueMacs.Remove(key);
        }
        else
        {
            LtHash.Add(Hash, valueMac);
            _valueMacs[key] = valueMac;
        }
        if (previous is not null)
            LtHash.Subtract(Hash, previous);
    }
}
