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
            ["index"] = new JsonArray([.. index.Select(i => (JsonNode?)JsonValue.Create(i))]),
            ["action"] = action,
            ["apiVersion"] = apiVersion,
            ["operation"] = remove ? "remove" : "set",
        }, cancellationToken), "patch");

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

    private static JsonArray Base64Array(IEnumerable<byte[]> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(Convert.ToBase64String(v)))]);

    private static byte[] Bytes(JsonObject reply, string property) => Convert.FromBase64String(reply[property]!.GetValue<string>());
}

/// <summary>A mutation as Baileys decoded it: operation (<c>set</c>/<c>remove</c>), index, and the SyncActionValue as protobufjs JSON.</summary>
public sealed record BaileysAppStateMutation(string Operation, IReadOnlyList<string> Index, JsonObject? Action);
