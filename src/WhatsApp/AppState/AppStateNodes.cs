using System.Globalization;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.AppState;

/// <summary>
/// The <c>w:sync:app:state</c> iqs (whatsapp-protocol.md §9.2; whatsmeow appstate.go
/// <c>fetchAppStatePatches</c>/<c>SendAppState</c>, Baileys 7 chats.ts <c>resyncAppState</c>/<c>appPatch</c>).
/// </summary>
public static class AppStateNodes
{
    public const string Namespace = "w:sync:app:state";

    /// <summary>
    /// Asks for a collection's patches after <paramref name="fromVersion"/>, or (version 0, or
    /// <paramref name="withSnapshot"/>) for its snapshot and the patches after it; whatsmeow omits the
    /// version when it asks for the snapshot from scratch, and Baileys 7 (chats.ts <c>resyncAppState</c>)
    /// keeps the version it holds when it forces a snapshot to recover from a refused patch.
    /// </summary>
    public static Node Fetch(string collection, ulong fromVersion, bool withSnapshot = false)
    {
        var snapshot = fromVersion == 0 || withSnapshot;
        var attributes = new List<NodeAttribute> { new("name", collection), new("return_snapshot", snapshot ? "true" : "false") };
        if (fromVersion != 0)
            attributes.Add(new("version", fromVersion.ToString(CultureInfo.InvariantCulture)));
        return ClientNodes.Iq(Namespace, "set", new Node("sync", default, new Node("collection", NodeAttributes.Create(attributes))));
    }

    /// <summary>Sends one patch of ours on top of <paramref name="version"/>, the version we hold.</summary>
    public static Node Push(string collection, ulong version, SyncdPatch patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var attributes = new List<NodeAttribute>
        {
            new("name", collection), new("version", version.ToString(CultureInfo.InvariantCulture)), new("return_snapshot", "false"),
        };
        return ClientNodes.Iq(Namespace, "set", new Node("sync", default,
            new Node("collection", NodeAttributes.Create(attributes), new Node("patch", default, patch.ToByteArray()))));
    }

    /// <summary>Reads the collections of a fetch answer.</summary>
    public static IReadOnlyList<AppStateCollectionAnswer> ParseAnswer(Node answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var sync = answer.GetChild("sync");
        if (sync is null)
            return [];
        var result = new List<AppStateCollectionAnswer>();
        foreach (var collection in sync.GetChildren("collection"))
        {
            var name = collection.GetRequiredAttribute("name");
            var version = collection.GetUInt64("version") ?? 0;
            if (collection.GetChild("error") is { } error)
            {
                result.Add(new AppStateCollectionAnswer(name, version, false, null, [], error.GetInt32("code") ?? 0));
                continue;
            }
            var patches = new List<SyncdPatch>();
            foreach (var patchNode in (collection.GetChild("patches") ?? collection).GetChildren("patch"))
            {
                if (patchNode.Bytes is not { } bytes)
                    continue;
                var patch = SyncdPatch.Parser.ParseFrom(bytes.Span);
                // Baileys 7 extractSyncdPatches: a patch without its own version follows the collection's.
                patch.Version ??= new SyncdVersion { Version = version + 1 };
                patches.Add(patch);
            }
            var snapshot = collection.GetChild("snapshot")?.Bytes is { Length: > 0 } snapshotBytes
                ? ExternalBlobReference.Parser.ParseFrom(snapshotBytes.Span)
                : null;
            result.Add(new AppStateCollectionAnswer(name, version, collection.GetBool("has_more_patches") == true, snapshot, patches, null));
        }
        return result;
    }

    /// <summary>
    /// The peer message asking our phone for app-state keys we lack (whatsapp-protocol.md §6.11, §9.2;
    /// whatsmeow appstate.go <c>requestMissingAppStateKeys</c>).
    /// </summary>
    public static Message KeyRequest(IEnumerable<byte[]> keyIds)
    {
        ArgumentNullException.ThrowIfNull(keyIds);
        var request = new AppStateSyncKeyRequest();
        request.KeyIDs.AddRange(keyIds.Select(id => new AppStateSyncKeyId { KeyID = ByteString.CopyFrom(id) }));
        return new Message
        {
            ProtocolMessage = new ProtocolMessage { Type = ProtocolMessage.Types.Type.AppStateSyncKeyRequest, AppStateSyncKeyRequest = request },
        };
    }
}

/// <summary>
/// One collection of a fetch answer: the version the server holds, whether more patches follow, the
/// external reference of a snapshot when one was asked for, the patches in order, or the error code
/// the server answered for the collection.
/// </summary>
public sealed record AppStateCollectionAnswer(
    string Name, ulong Version, bool HasMorePatches, ExternalBlobReference? Snapshot, IReadOnlyList<SyncdPatch> Patches, int? ErrorCode);
