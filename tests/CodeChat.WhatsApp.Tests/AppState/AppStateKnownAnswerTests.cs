using System.Security.Cryptography;
using CodeChat.WhatsApp.AppState;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Tests.Crypto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Tests.AppState;

/// <summary>
/// Known answers for the app-state primitives from the published vectors (vectors.json, whatsapp-protocol.md
/// §12.7: key expansion of keyData = SHA256("app-state-sync-key"), and the LT-hash of BaileysCSharp's
/// LtHashTest input), plus the codec's own round trips and refusals.
/// </summary>
public class AppStateKnownAnswerTests
{
    private static readonly byte[] KeyId = [0, 0, 0, 1];

    [Fact]
    public void Key_expansion_gives_the_published_five_keys()
    {
        var keys = AppStateKeys.Expand(KnownAnswers.Hex("appstate.key_data"));

        Assert.Equal(KnownAnswers.Hex("appstate.expanded.index"), keys.Index.ToArray());
        Assert.Equal(KnownAnswers.Hex("appstate.expanded.value_encryption"), keys.ValueEncryption.ToArray());
        Assert.Equal(KnownAnswers.Hex("appstate.expanded.value_mac"), keys.ValueMac.ToArray());
        Assert.Equal(KnownAnswers.Hex("appstate.expanded.snapshot_mac"), keys.SnapshotMac.ToArray());
        Assert.Equal(KnownAnswers.Hex("appstate.expanded.patch_mac"), keys.PatchMac.ToArray());
    }

    [Fact]
    public void LT_hash_of_one_value_MAC_on_zero_is_the_published_point_and_subtracting_it_returns_zero()
    {
        var hash = new byte[LtHash.Length];
        var valueMac = KnownAnswers.Hex("appstate.lthash.add_input_valueMac");

        LtHash.Add(hash, valueMac);
        Assert.Equal(KnownAnswers.Hex("appstate.lthash.zero_plus_one"), hash);

        LtHash.Subtract(hash, valueMac);
        Assert.Equal(new byte[LtHash.Length], hash);
    }

    [Fact]
    public void Our_patch_decodes_to_the_same_actions_and_state()
    {
        var keys = AppStateKeys.Expand(KnownAnswers.Hex("appstate.key_data"));
        var start = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        var encoded = Encode(keys, start, Archive("5511999990001@s.whatsapp.net", true));

        var decoded = AppStatePatchDecoder.DecodePatch(AppStateCollections.RegularLow, encoded.Patch, start, id => keys);

        var mutation = Assert.Single(decoded.Mutations);
        Assert.Equal(["archive", "5511999990001@s.whatsapp.net"], mutation.Index);
        Assert.True(mutation.Value!.ArchiveChatAction.Archived);
        Assert.Equal(1UL, decoded.State.Version);
        Assert.Equal(encoded.State.Hash, decoded.State.Hash);
        Assert.Equal(0UL, start.Version);
    }

    [Fact]
    public void A_replaced_value_leaves_the_hash_of_the_new_value_only_and_a_remove_returns_to_zero()
    {
        var keys = AppStateKeys.Expand(RandomNumberGenerator.GetBytes(32));
        var state = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        state = Encode(keys, state, Archive("1@s.whatsapp.net", true)).State;
        var second = Encode(keys, state, Archive("1@s.whatsapp.net", false));
        state = second.State;

        var only = new byte[LtHash.Length];
        LtHash.Add(only, second.Patch.Mutations[0].Record.Value.Blob.Span[^32..]);
        Assert.Equal(only, state.Hash);
        Assert.Equal(1, state.Count);

        var removed = AppStatePatchEncoder.Encode(AppStateCollections.RegularLow, state, KeyId, keys,
            [new AppStateAction(SyncdMutation.Types.SyncdOperation.Remove, ["archive", "1@s.whatsapp.net"], new SyncActionValue(), 3)]);
        Assert.Equal(new byte[LtHash.Length], removed.State.Hash);
        Assert.Equal(0, removed.State.Count);
    }

    [Fact]
    public void Stored_state_restores_to_the_same_hash_and_macs()
    {
        var keys = AppStateKeys.Expand(RandomNumberGenerator.GetBytes(32));
        var state = Encode(keys, AppStateCollectionState.Empty("regular"), Archive("2@s.whatsapp.net", true)).State;

        var restored = AppStateCollectionState.Restore("regular", state.Version, state.Hash, state.SerializeValueMacs());

        Assert.Equal(state.Hash, restored.Hash);
        Assert.Equal(state.Version, restored.Version);
        Assert.Equal(state.SerializeValueMacs(), restored.SerializeValueMacs());
    }

    [Theory]
    [InlineData("patchMac")]
    [InlineData("snapshotMac")]
    [InlineData("valueMac")]
    [InlineData("value")]
    [InlineData("indexMac")]
    public void A_tampered_patch_is_refused(string part)
    {
        var keys = AppStateKeys.Expand(RandomNumberGenerator.GetBytes(32));
        var start = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        var patch = Encode(keys, start, Archive("3@s.whatsapp.net", true)).Patch;
        var record = patch.Mutations[0].Record;
        switch (part)
        {
            case "patchMac":
                patch.PatchMAC = Flip(patch.PatchMAC, 0);
                break;
            case "snapshotMac":
                patch.SnapshotMAC = Flip(patch.SnapshotMAC, 5);
                break;
            case "valueMac":
                record.Value.Blob = Flip(record.Value.Blob, record.Value.Blob.Length - 1);
                break;
            case "value":
                record.Value.Blob = Flip(record.Value.Blob, 20);
                break;
            case "indexMac":
                record.Index.Blob = Flip(record.Index.Blob, 3);
                break;
        }

        Assert.Throws<AppStateIntegrityException>(() => AppStatePatchDecoder.DecodePatch(AppStateCollections.RegularLow, patch, start, id => keys));
        Assert.Equal(0UL, start.Version);
        Assert.Equal(new byte[LtHash.Length], start.Hash);
    }

    [Fact]
    public void A_patch_under_a_key_we_lack_names_the_key()
    {
        var keys = AppStateKeys.Expand(RandomNumberGenerator.GetBytes(32));
        var start = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        var patch = Encode(keys, start, Archive("4@s.whatsapp.net", true)).Patch;

        var missing = Assert.Throws<AppStateKeyMissingException>(() => AppStatePatchDecoder.DecodePatch(AppStateCollections.RegularLow, patch, start, id => null));
        Assert.Equal(KeyId, Assert.Single(missing.KeyIds));
    }

    internal static AppStateAction Archive(string chat, bool archived) =>
        new(SyncdMutation.Types.SyncdOperation.Set, ["archive", chat],
            new SyncActionValue { Timestamp = 1_700_000_000_000, ArchiveChatAction = new ArchiveChatAction { Archived = archived } }, 3);

    private static AppStateEncoded Encode(AppStateKeys keys, AppStateCollectionState state, AppStateAction action)
    {
        var encoded = AppStatePatchEncoder.Encode(AppStateCollections.RegularLow, state, KeyId, keys, [action]);
        encoded.Patch.Version = new SyncdVersion { Version = encoded.State.Version };
        return encoded;
    }

    private static ByteString Flip(ByteString value, int at)
    {
        var bytes = value.ToByteArray();
        bytes[at] ^= 0x01;
        return ByteString.CopyFrom(bytes);
    }
}
