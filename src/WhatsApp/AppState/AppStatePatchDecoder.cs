using System.Security.Cryptography;
using System.Text.Json;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.AppState;

/// <summary>
/// Verifies and decrypts snapshots and patches (whatsapp-protocol.md §9.2; whatsmeow appstate/decode.go
/// <c>DecodePatches</c>/<c>decodeMutations</c>, Baileys 7 chat-utils <c>decodeSyncdPatch</c>,
/// <c>decodeSyncdSnapshot</c>). Stricter than Baileys, like whatsmeow: any MAC that does not match, any
/// value that does not decrypt, and an LT-hash that does not reproduce the snapshot MAC throw
/// <see cref="AppStateIntegrityException"/>, so a caller applies all of a patch or none of it.
/// </summary>
public static class AppStatePatchDecoder
{
    /// <summary>The key ids a patch needs (its own and every record's), for loading them before decoding.</summary>
    public static IReadOnlyList<byte[]> KeyIdsOf(SyncdPatch patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return Distinct([patch.KeyID?.ID, .. patch.Mutations.Select(m => m.Record?.KeyID?.ID)]);
    }

    /// <summary>The key ids a snapshot needs.</summary>
    public static IReadOnlyList<byte[]> KeyIdsOf(SyncdSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return Distinct([snapshot.KeyID?.ID, .. snapshot.Records.Select(r => r.KeyID?.ID)]);
    }

    /// <summary>
    /// Decodes a whole snapshot into a fresh state at its version. <paramref name="keys"/> answers a key
    /// id with its expanded keys, or null when we do not hold it.
    /// </summary>
    public static AppStateDecoded DecodeSnapshot(string collection, SyncdSnapshot snapshot, Func<byte[], AppStateKeys?> keys)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(keys);
        var version = snapshot.Version?.Version ?? 0;
        var lookup = Lookup(collection, KeyIdsOf(snapshot), keys);
        var state = AppStateCollectionState.Empty(collection);
        state.Version = version;
        var mutations = new List<AppStateMutation>(snapshot.Records.Count);
        foreach (var record in snapshot.Records)
            mutations.Add(DecodeRecord(collection, version, SyncdMutation.Types.SyncdOperation.Set, record, lookup, state));
        var expected = AppStateMacs.SnapshotMac(lookup(snapshot.KeyID?.ID?.ToByteArray()), state.Hash, version, collection);
        if (!Equal(expected, snapshot.Mac))
            throw new AppStateIntegrityException(collection, version, "the snapshot MAC does not match its records (LT-hash)");
        return new AppStateDecoded(state, mutations);
    }

    /// <summary>
    /// Decodes one patch on top of <paramref name="current"/> (left unchanged): checks the patch MAC, each
    /// value MAC and index MAC, decrypts the values, moves the LT-hash, and checks the resulting hash
    /// against the patch's snapshot MAC. External mutations must have been downloaded into
    /// <see cref="SyncdPatch.Mutations"/> first.
    /// </summary>
    public static AppStateDecoded DecodePatch(string collection, SyncdPatch patch, AppStateCollectionState current, Func<byte[], AppStateKeys?> keys)
    {
        ArgumentNullException.ThrowIfNull(patch);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(keys);
        var version = patch.Version?.Version ?? throw new AppStateIntegrityException(collection, current.Version + 1, "the patch has no version");
        var lookup = Lookup(collection, KeyIdsOf(patch), keys);
        var patchKeys = lookup(patch.KeyID?.ID?.ToByteArray());
        var valueMacs = patch.Mutations.Select(m => ValueMacOf(collection, version, m.Record)).ToList();
        var expectedPatchMac = AppStateMacs.PatchMac(patchKeys, patch.SnapshotMAC.Span, valueMacs, version, collection);
        if (!Equal(expectedPatchMac, patch.PatchMAC))
            throw new AppStateIntegrityException(collection, version, "the patch MAC does not match");

        var state = current.Clone();
        state.Version = version;
        var mutations = new List<AppStateMutation>(patch.Mutations.Count);
        foreach (var mutation in patch.Mutations)
            mutations.Add(DecodeRecord(collection, version, mutation.Operation, mutation.Record, lookup, state));
        var expectedSnapshotMac = AppStateMacs.SnapshotMac(patchKeys, state.Hash, version, collection);
        if (!Equal(expectedSnapshotMac, patch.SnapshotMAC))
            throw new AppStateIntegrityException(collection, version, "the snapshot MAC does not match the LT-hash after the patch");
        return new AppStateDecoded(state, mutations);
    }

    private static AppStateMutation DecodeRecord(
        string collection, ulong version, SyncdMutation.Types.SyncdOperation operation, SyncdRecord? record,
        Func<byte[]?, AppStateKeys> lookup, AppStateCollectionState state)
    {
        if (record?.Index?.Blob is not { Length: AppStateMacs.Length } indexMacBlob)
            throw new AppStateIntegrityException(collection, version, "a record has no index MAC");
        var keyId = record.KeyID?.ID ?? throw new AppStateIntegrityException(collection, version, "a record has no key id");
        var keys = lookup(keyId.ToByteArray());
        var valueMac = ValueMacOf(collection, version, record).ToArray();
        var encrypted = record.Value.Blob.Span[..^AppStateMacs.Length];
        if (!Equal(AppStateMacs.ValueMac(keys, operation, keyId.Span, encrypted), valueMac))
            throw new AppStateIntegrityException(collection, version, "a value MAC does not match");
        SyncActionData data;
        try
        {
            data = SyncActionData.Parser.ParseFrom(MutationValueCipher.Decrypt(keys, encrypted));
        }
        catch (Exception exception) when (exception is CryptographicException or InvalidProtocolBufferException)
        {
            throw new AppStateIntegrityException(collection, version, "a value does not decrypt to a SyncActionData");
        }
        var indexMac = indexMacBlob.ToByteArray();
        if (!Equal(AppStateMacs.IndexMac(keys, data.Index.Span), indexMac))
            throw new AppStateIntegrityException(collection, version, "an index MAC does not match");
        state.Mix(operation == SyncdMutation.Types.SyncdOperation.Remove, indexMac, valueMac);
        return new AppStateMutation(operation, ParseIndex(collection, version, data.Index), data.Value, data.Version, indexMac, valueMac);
    }

    private static ReadOnlyMemory<byte> ValueMacOf(string collection, ulong version, SyncdRecord? record)
    {
        var blob = record?.Value?.Blob ?? ByteString.Empty;
        if (blob.Length < AppStateMacs.Length + 32)
            throw new AppStateIntegrityException(collection, version, "a record's value is too short");
        return blob.Memory[^AppStateMacs.Length..];
    }

    private static List<string> ParseIndex(string collection, ulong version, ByteString index)
    {
        try
        {
            using var document = JsonDocument.Parse(index.Memory);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw new AppStateIntegrityException(collection, version, "an index is not a JSON array");
            return document.RootElement.EnumerateArray()
                .Select(element => element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText())
                .ToList();
        }
        catch (JsonException)
        {
            throw new AppStateIntegrityException(collection, version, "an index is not JSON");
        }
    }

    private static Func<byte[]?, AppStateKeys> Lookup(string collection, IReadOnlyList<byte[]> needed, Func<byte[], AppStateKeys?> keys)
    {
        var found = new Dictionary<string, AppStateKeys>(StringComparer.Ordinal);
        var missing = new List<byte[]>();
        foreach (var id in needed)
        {
            if (keys(id) is { } expanded)
                found[Convert.ToBase64String(id)] = expanded;
            else
                missing.Add(id);
        }
        if (missing.Count > 0)
            throw new AppStateKeyMissingException(collection, missing);
        return id => id is not null && found.TryGetValue(Convert.ToBase64String(id), out var expanded)
            ? expanded
            : throw new AppStateKeyMissingException(collection, id is null ? [] : [id]);
    }

    private static List<byte[]> Distinct(IEnumerable<ByteString?> ids) =>
        ids.Where(id => id is { IsEmpty: false })
            .Select(id => id!.ToByteArray())
            .DistinctBy(Convert.ToBase64String)
            .ToList();

    private static bool Equal(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual) =>
        CryptographicOperations.FixedTimeEquals(expected, actual);

    private static bool Equal(ReadOnlySpan<byte> expected, ByteString? actual) =>
        actual is not null && CryptographicOperations.FixedTimeEquals(expected, actual.Span);
}

/// <summary>The state after a snapshot or patch and the mutations it applied, in order.</summary>
public sealed record AppStateDecoded(AppStateCollectionState State, IReadOnlyList<AppStateMutation> Mutations);
