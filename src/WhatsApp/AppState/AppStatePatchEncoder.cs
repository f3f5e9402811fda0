using System.Text.Encodings.Web;
using System.Text.Json;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.AppState;

/// <summary>
/// Builds a patch of our own actions (whatsmeow appstate/encode.go <c>EncodePatch</c>, Baileys 7
/// chat-utils <c>encodeSyncdPatch</c>): each action's SyncActionData encrypted, MACed and indexed, the
/// LT-hash moved, and the snapshot and patch MACs computed at <c>current.Version + 1</c>. The server
/// gives the patch its version; the returned state is what ours will be once it accepted it.
/// </summary>
public static class AppStatePatchEncoder
{
    // JSON.stringify writes the index with no escaping beyond what JSON requires; the index MAC covers
    // these exact bytes, so they must match what other clients write.
    private static readonly JsonSerializerOptions IndexJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static AppStateEncoded Encode(string collection, AppStateCollectionState current, byte[] keyId, AppStateKeys keys, IReadOnlyList<AppStateAction> actions)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0)
            throw new ArgumentException("A patch carries at least one action.", nameof(actions));
        var state = current.Clone();
        state.Version = current.Version + 1;
        var keyIdBytes = ByteString.CopyFrom(keyId);
        var mutations = new List<SyncdMutation>(actions.Count);
        var valueMacs = new List<ReadOnlyMemory<byte>>(actions.Count);
        foreach (var action in actions)
        {
            var index = IndexBytes(action.Index);
            var data = new SyncActionData
            {
                Index = ByteString.CopyFrom(index),
                Value = action.Value,
                Padding = ByteString.Empty,
                Version = action.ApiVersion,
            };
            var encrypted = MutationValueCipher.Encrypt(keys, data.ToByteArray());
            var valueMac = AppStateMacs.ValueMac(keys, action.Operation, keyId, encrypted);
            var indexMac = AppStateMacs.IndexMac(keys, index);
            state.Mix(action.Operation == SyncdMutation.Types.SyncdOperation.Remove, indexMac, valueMac);
            valueMacs.Add(valueMac);
            mutations.Add(new SyncdMutation
            {
                Operation = action.Operation,
                Record = new SyncdRecord
                {
                    Index = new SyncdIndex { Blob = ByteString.CopyFrom(indexMac) },
                    Value = new SyncdValue { Blob = ByteString.CopyFrom([.. encrypted, .. valueMac]) },
                    KeyID = new KeyId { ID = keyIdBytes },
                },
            });
        }
        var snapshotMac = AppStateMacs.SnapshotMac(keys, state.Hash, state.Version, collection);
        var patch = new SyncdPatch
        {
            SnapshotMAC = ByteString.CopyFrom(snapshotMac),
            PatchMAC = ByteString.CopyFrom(AppStateMacs.PatchMac(keys, snapshotMac, valueMacs, state.Version, collection)),
            KeyID = new KeyId { ID = keyIdBytes },
        };
        patch.Mutations.AddRange(mutations);
        return new AppStateEncoded(patch, state);
    }

    /// <summary>The index as the UTF-8 JSON array other clients sign.</summary>
    public static byte[] IndexBytes(IReadOnlyList<string> index) => JsonSerializer.SerializeToUtf8Bytes(index, IndexJson);
}

/// <summary>A patch of ours (without a version: the server assigns it) and the state it leads to.</summary>
public sealed record AppStateEncoded(SyncdPatch Patch, AppStateCollectionState State);
