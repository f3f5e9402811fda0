using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WaEmulator.Model;

/// <summary>
/// An account's app-state collections as WhatsApp's server keeps them: per collection an ordered list
/// of patches, each stamped with the version the server gave it (1, 2, …). Like the real server the
/// emulator cannot read them (it has no app-state key); it only orders them and refuses a patch built
/// on an outdated version. Snapshots are not kept: a fetch from version 0 gets every patch.
/// </summary>
public sealed class EmulatedAppState
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<SyncdPatch>> _collections = new(StringComparer.Ordinal);

    /// <summary>The latest version of <paramref name="collection"/> (0 when empty).</summary>
    public ulong Version(string collection)
    {
        lock (_gate)
        {
            return (ulong)(_collections.GetValueOrDefault(collection)?.Count ?? 0);
        }
    }

    /// <summary>The serialized patches after <paramref name="version"/>, each with its version.</summary>
    public IReadOnlyList<byte[]> PatchesAfter(string collection, ulong version)
    {
        lock (_gate)
        {
            return [.. (_collections.GetValueOrDefault(collection) ?? []).Skip((int)Math.Min(version, int.MaxValue)).Select(p => p.ToByteArray())];
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
            if (!_collections.TryGetValue(collection, out var patches))
                _collections[collection] = patches = [];
            if ((ulong)patches.Count != baseVersion)
                return null;
            var stored = patch.Clone();
            stored.Version = new SyncdVersion { Version = baseVersion + 1 };
            patches.Add(stored);
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
}
