using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WaEmulator.Model;

/// <summary>
/// An account's app-state collections as WhatsApp's server keeps them: per collection an ordered list
/// of patches, each stamped with the version the server gave it, and optionally the phone's latest
/// snapshot (an <see cref="ExternalBlobReference"/> to an encrypted blob on the media host, at the
/// version it covers). Like the real server the emulator cannot read them (it has no app-state key);
/// it only orders them and refuses a patch built on an outdated version.
/// </summary>
public sealed class EmulatedAppState
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Collection> _collections = new(StringComparer.Ordinal);

    /// <summary>The latest version of <paramref name="collection"/> (0 when empty).</summary>
    public ulong Version(string collection)
    {
        lock (_gate)
        {
            return _collections.GetValueOrDefault(collection)?.Version ?? 0;
        }
    }

    /// <summary>The serialized patches after <paramref name="version"/>, each with its version.</summary>
    public IReadOnlyList<byte[]> PatchesAfter(string collection, ulong version)
    {
        lock (_gate)
        {
            return [.. (_collections.GetValueOrDefault(collection)?.Patches ?? []).Where(p => p.Version.Version > version).Select(p => p.ToByteArray())];
        }
    }

    /// <summary>The snapshot the phone left for <paramref name="collection"/> and its version, if any.</summary>
    public (ulong Version, ExternalBlobReference Reference)? Snapshot(string collection)
    {
        lock (_gate)
        {
            return _collections.GetValueOrDefault(collection)?.Snapshot is { } snapshot ? (snapshot.Version, snapshot.Reference.Clone()) : null;
        }
    }

    /// <summary>
    /// Appends a patch built on <paramref name="baseVersion"/>; returns its new version, or null when the
    /// collection moved past that version meanwhile (the sender must sync and build again).
    /// </summary>
    public ulong? Append(string collection, ulong baseVersion, SyncdPatch patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        lock (_gate)
        {
            var entry = CollectionOf(collection);
            if (entry.Version != baseVersion)
                return null;
            var stored = patch.Clone();
            stored.Version = new SyncdVersion { Version = baseVersion + 1 };
            entry.Patches.Add(stored);
            return baseVersion + 1;
        }
    }

    /// <summary>Appends a serialized patch on top of the latest version (the phone's own changes).</summary>
    public ulong AppendLatest(string collection, byte[] patch)
    {
        var parsed = SyncdPatch.Parser.ParseFrom(patch);
        lock (_gate)
        {
            return Append(collection, Version(collection), parsed) ?? throw new InvalidOperationException("unreachable: the version is read under the lock");
        }
    }

    /// <summary>
    /// Keeps the phone's snapshot of <paramref name="collection"/> at <paramref name="version"/>, which
    /// covers every patch so far: it may not be older than the collection. Patches it covers stay,
    /// for companions that sync from a version of their own.
    /// </summary>
    public void SetSnapshot(string collection, ulong version, ExternalBlobReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        lock (_gate)
        {
            var entry = CollectionOf(collection);
            if (version < entry.Version)
                throw new ArgumentOutOfRangeException(nameof(version), $"{collection} is at version {entry.Version}; a snapshot at {version} would drop patches.");
            entry.Snapshot = (version, reference.Clone());
        }
    }

    private Collection CollectionOf(string name)
    {
        if (!_collections.TryGetValue(name, out var entry))
            _collections[name] = entry = new Collection();
        return entry;
    }

    private sealed class Collection
    {
        public List<SyncdPatch> Patches { get; } = [];

        public (ulong Version, ExternalBlobReference Reference)? Snapshot { get; set; }

        public ulong Version => Math.Max(Snapshot?.Version ?? 0, Patches.Count == 0 ? 0 : Patches[^1].Version.Version);
    }
}
