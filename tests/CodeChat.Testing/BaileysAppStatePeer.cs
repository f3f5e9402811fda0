using System.Text.Json.Nodes;

namespace CodeChat.Testing;

/// <summary>
/// Baileys 7's own app-state code in a Node process (tests/interop/appstate-peer.mjs): it encodes
/// patches the way a Baileys client (or a phone, in the emulator tests) does and decodes and verifies
/// ours, keeping Baileys' LT-hash state per collection.
/// </summary>
public sealed class BaileysAppStatePeer : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly NodeLinePeer _node;

    private BaileysAppStatePeer(NodeLinePeer node) => _node = node;

    public static async Task<BaileysAppStatePeer> StartAsync(CancellationToken cancellationToken) =>
        new(await NodeLinePeer.StartAsync("appstate-peer.mjs", [], CommandTimeout, cancellationToken));

    /// <summary>Baileys' expansion of <paramref name="keyData"/>: index, valueEncryption, valueMac, snapshotMac, patchMac.</summary>
    public async Task<IReadOnlyDictionary<string, byte[]>> ExpandAsync(byte[] keyData, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(new JsonObject { ["cmd"] = "expand", ["keyData"] = Convert.ToBase64String(keyData) }, cancellationToken);
        return new[] { "index", "valueEncryption", "valueMac", "snapshotMac", "patchMac" }.ToDictionary(name => name, name => Bytes(reply, name));
    }

    /// <summary>Baileys' LT-hash: <paramref name="hash"/> minus <paramref name="subtract"/> plus <paramref name="add"/>.</summary>
    public async Task<byte[]> LtHashAsync(byte[] hash, IEnumerable<byte[]> add, IEnumerable<byte[]> subtract, CancellationToken cancellationToken) =>
        Bytes(await RequestAsync(new JsonObject
        {
            ["cmd"] = "lthash",
            ["hash"] = Convert.ToBase64String(hash),
            ["add"] = Base64Array(add),
            ["subtract"] = Base64Array(subtract),
        }, cancellationToken), "hash");

    /// <summary>Gives Baileys an app-state sync key.</summary>
    public Task AddKeyAsync(byte[] keyId, byte[] keyData, CancellationToken cancellationToken) =>
        RequestAsync(new JsonObject { ["cmd"] = "key", ["keyId"] = Convert.ToBase64String(keyId), ["keyData"] = Convert.ToBase64String(keyData) }, cancellationToken);

    public Task ResetAsync(string collection, CancellationToken cancellationToken) =>
        RequestAsync(new JsonObject { ["cmd"] = "reset", ["name"] = collection }, cancellationToken);

    /// <summary>Baileys' state of a collection: version, LT-hash, and value MAC per index MAC (base64).</summary>
    public async Task<(long Version, byte[] Hash, IReadOnlyDictionary<string, string> ValueMacs)> StateAsync(string collection, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(new JsonObject { ["cmd"] = "state", ["name"] = collection }, cancellationToken);
        var macs = reply["indexValueMacs"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        return (reply["version"]!.GetValue<long>(), Bytes(reply, "hash"), macs);
    }

    /// <summary>
    /// A SyncdPatch (serialized, with its version) Baileys' encodeSyncdPatch builds for one action;
    /// <paramref name="action"/> is a SyncActionValue in protobufjs JSON (e.g. <c>{"archiveChatAction":{"archived":true}}</c>).
    /// </summary>
    public async Task<byte[]> EncodeAsync(
        string collection, byte[] keyId, IReadOnlyList<string> index, JsonObject action, int apiVersion, bool remove, CancellationToken cancellationToken) =>
        Bytes(await RequestAsync(new JsonObject
        {
            ["cmd"] = "encode",
            ["name"] = collection,
            ["keyId"] = Convert.ToBase64String(keyId),
            ["index"] = Strings(index),
            ["action"] = action,
            ["apiVersion"] = apiVersion,
            ["operation"] = remove ? "remove" : "set",
        }, cancellationToken), "patch");

    /// <summary>
    /// Like <see cref="EncodeAsync"/> for a SET, but the mutations come back apart, as a serialized
    /// SyncdMutations for an external blob, and the patch without them.
    /// </summary>
    public async Task<(byte[] Patch, byte[] Mutations)> EncodeExternalAsync(
        string collection, byte[] keyId, IReadOnlyList<string> index, JsonObject action, int apiVersion, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(new JsonObject
        {
            ["cmd"] = "encode",
            ["name"] = collection,
            ["keyId"] = Convert.ToBase64String(keyId),
            ["index"] = Strings(index),
            ["action"] = action,
            ["apiVersion"] = apiVersion,
            ["operation"] = "set",
            ["external"] = true,
        }, cancellationToken);
        return (Bytes(reply, "patch"), Bytes(reply, "mutations"));
    }

    /// <summary>
    /// A serialized SyncdSnapshot of <paramref name="collection"/> at <paramref name="version"/> holding
    /// one SET record per entry, built from Baileys' encodeSyncdPatch records and checked by Baileys'
    /// decodeSyncdSnapshot; Baileys' state of the collection becomes the snapshot's, so later
    /// <see cref="EncodeAsync"/> calls build on it.
    /// </summary>
    public async Task<byte[]> SnapshotAsync(
        string collection, byte[] keyId, long version, IEnumerable<BaileysAppStateEntry> entries, CancellationToken cancellationToken) =>
        Bytes(await RequestAsync(new JsonObject
        {
            ["cmd"] = "snapshot",
            ["name"] = collection,
            ["keyId"] = Convert.ToBase64String(keyId),
            ["version"] = version,
            ["entries"] = new JsonArray([.. entries.Select(e => (JsonNode?)new JsonObject
            {
                ["index"] = Strings(e.Index),
                ["action"] = e.Action.DeepClone(),
                ["apiVersion"] = e.ApiVersion,
            })]),
        }, cancellationToken), "snapshot");

    /// <summary>Encrypts <paramref name="plaintext"/> as an app-state blob with Baileys' encryptedStream (media type md-app-state).</summary>
    public async Task<BaileysEncryptedBlob> EncryptBlobAsync(byte[] plaintext, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(new JsonObject { ["cmd"] = "blob", ["plaintext"] = Convert.ToBase64String(plaintext) }, cancellationToken);
        return new BaileysEncryptedBlob(Bytes(reply, "encrypted"), Bytes(reply, "mediaKey"), Bytes(reply, "fileSha256"),
            Bytes(reply, "fileEncSha256"), reply["fileLength"]!.GetValue<long>());
    }

    /// <summary>Decodes and verifies a serialized SyncdPatch with Baileys; throws <see cref="NodeLinePeerException"/> when Baileys refuses it.</summary>
    public async Task<IReadOnlyList<BaileysAppStateMutation>> DecodeAsync(string collection, byte[] patch, CancellationToken cancellationToken) =>
        Mutations(await RequestAsync(new JsonObject { ["cmd"] = "decode", ["name"] = collection, ["patch"] = Convert.ToBase64String(patch) }, cancellationToken));

    /// <summary>Decodes a serialized SyncdSnapshot with Baileys; <c>MacMismatch</c> when Baileys logged its LT-hash warning.</summary>
    public async Task<(IReadOnlyList<BaileysAppStateMutation> Mutations, bool MacMismatch)> DecodeSnapshotAsync(string collection, byte[] snapshot, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(new JsonObject { ["cmd"] = "decodeSnapshot", ["name"] = collection, ["snapshot"] = Convert.ToBase64String(snapshot) }, cancellationToken);
        return (Mutations(reply), reply["macMismatch"]!.GetValue<bool>());
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    private Task<JsonObject> RequestAsync(JsonObject request, CancellationToken cancellationToken) => _node.RequestAsync(request, CommandTimeout, cancellationToken);

    private static IReadOnlyList<BaileysAppStateMutation> Mutations(JsonObject reply) =>
        reply["mutations"]!.AsArray().Select(m => new BaileysAppStateMutation(
            m!["operation"]?.GetValue<string>() ?? "set",
            m["index"]!.AsArray().Select(i => i!.GetValue<string>()).ToList(),
            m["action"] as JsonObject)).ToList();

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    private static JsonArray Base64Array(IEnumerable<byte[]> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(Convert.ToBase64String(v)))]);

    private static byte[] Bytes(JsonObject reply, string property) => Convert.FromBase64String(reply[property]!.GetValue<string>());
}

/// <summary>A mutation as Baileys decoded it: operation (<c>set</c>/<c>remove</c>), index, and the SyncActionValue as protobufjs JSON.</summary>
public sealed record BaileysAppStateMutation(string Operation, IReadOnlyList<string> Index, JsonObject? Action);

/// <summary>One record of a snapshot Baileys builds: index, SyncActionValue (protobufjs JSON) and its action version.</summary>
public sealed record BaileysAppStateEntry(IReadOnlyList<string> Index, JsonObject Action, int ApiVersion);

/// <summary>A blob encrypted by Baileys as a phone uploads it, with what an ExternalBlobReference names of it.</summary>
public sealed record BaileysEncryptedBlob(byte[] Encrypted, byte[] MediaKey, byte[] FileSha256, byte[] FileEncSha256, long FileLength);
