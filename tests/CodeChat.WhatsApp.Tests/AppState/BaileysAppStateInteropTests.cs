using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CodeChat.Testing;
using CodeChat.WhatsApp.AppState;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Tests.AppState;

/// <summary>
/// Our app-state codec against Baileys 7.0.0-rc14's own (chat-utils encodeSyncdPatch/decodeSyncdPatch,
/// its LT-hash and key expansion from whatsapp-rust-bridge), run unmodified in Node by
/// tests/interop/appstate-peer.mjs: both directions, and the same LT-hash over the same mutations.
/// </summary>
public class BaileysAppStateInteropTests
{
    private const string Collection = AppStateCollections.RegularLow;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Key_expansion_and_LT_hash_agree_with_Baileys()
    {
        await using var baileys = await BaileysAppStatePeer.StartAsync(Ct);
        for (var round = 0; round < 5; round++)
        {
            var keyData = RandomNumberGenerator.GetBytes(32);
            var ours = AppStateKeys.Expand(keyData);
            var theirs = await baileys.ExpandAsync(keyData, Ct);
            Assert.Equal(theirs["index"], ours.Index.ToArray());
            Assert.Equal(theirs["valueEncryption"], ours.ValueEncryption.ToArray());
            Assert.Equal(theirs["valueMac"], ours.ValueMac.ToArray());
            Assert.Equal(theirs["snapshotMac"], ours.SnapshotMac.ToArray());
            Assert.Equal(theirs["patchMac"], ours.PatchMac.ToArray());

            var start = RandomNumberGenerator.GetBytes(LtHash.Length);
            var add = Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();
            var subtract = Enumerable.Range(0, 3).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();
            var hash = (byte[])start.Clone();
            subtract.ForEach(mac => LtHash.Subtract(hash, mac));
            add.ForEach(mac => LtHash.Add(hash, mac));
            Assert.Equal(await baileys.LtHashAsync(start, add, subtract, Ct), hash);
        }
    }

    [Fact]
    public async Task Patches_Baileys_encodes_decode_and_verify_here_with_the_same_LT_hash()
    {
        await using var baileys = await BaileysAppStatePeer.StartAsync(Ct);
        var (keyId, keyData) = NewKey();
        await baileys.AddKeyAsync(keyId, keyData, Ct);
        var keys = AppStateKeys.Expand(keyData);
        var state = AppStateCollectionState.Empty(Collection);

        var actions = new (string[] Index, JsonObject Action, bool Remove)[]
        {
            (["archive", "5511999990001@s.whatsapp.net"], new JsonObject { ["timestamp"] = 1700000000000, ["archiveChatAction"] = new JsonObject { ["archived"] = true } }, false),
            (["contact", "5511999990002@s.whatsapp.net"], new JsonObject { ["contactAction"] = new JsonObject { ["fullName"] = "Zoë Müller", ["firstName"] = "Zoë" } }, false),
            (["archive", "5511999990001@s.whatsapp.net"], new JsonObject { ["archiveChatAction"] = new JsonObject { ["archived"] = false } }, false),
            (["contact", "5511999990002@s.whatsapp.net"], new JsonObject(), true),
        };
        var seen = new List<AppStateMutation>();
        foreach (var (index, action, remove) in actions)
        {
            var patch = SyncdPatch.Parser.ParseFrom(await baileys.EncodeAsync(Collection, keyId, index, action, 2, remove, Ct));
            var decoded = AppStatePatchDecoder.DecodePatch(Collection, patch, state, id => id.SequenceEqual(keyId) ? keys : null);
            var mutation = Assert.Single(decoded.Mutations);
            seen.Add(mutation);
            Assert.Equal(index, mutation.Index);
            Assert.Equal(remove ? SyncdMutation.Types.SyncdOperation.Remove : SyncdMutation.Types.SyncdOperation.Set, mutation.Operation);
            Assert.Equal(2, mutation.ApiVersion);
            state = decoded.State;
        }

        Assert.Equal("Zoë Müller", seen[1].Value!.ContactAction.FullName);
        Assert.False(seen[2].Value!.ArchiveChatAction.Archived);
        var (version, hash, valueMacs) = await baileys.StateAsync(Collection, Ct);
        Assert.Equal(4UL, state.Version);
        Assert.Equal((ulong)version, state.Version);
        Assert.Equal(hash, state.Hash);
        // Baileys 7.0.0-rc14's encodeSyncdPatch writes the encoded index back into its map even for a
        // REMOVE, so its map still names the removed contact (its hash does not); ours holds only the archive.
        Assert.Equal(1, state.Count);
        Assert.Equal(2, valueMacs.Count);
        var archiveMac = seen[2].IndexMac;
        Assert.Equal(Convert.FromBase64String(valueMacs[Convert.ToBase64String(archiveMac)]), state.ValueMacOf(archiveMac));
        Assert.Null(state.ValueMacOf(seen[3].IndexMac));
    }

    [Fact]
    public async Task Patches_we_encode_decode_and_verify_at_Baileys()
    {
        await using var baileys = await BaileysAppStatePeer.StartAsync(Ct);
        var (keyId, keyData) = NewKey();
        await baileys.AddKeyAsync(keyId, keyData, Ct);
        var keys = AppStateKeys.Expand(keyData);
        var state = AppStateCollectionState.Empty(Collection);

        var ours = new[]
        {
            AppStateKnownAnswerTests.Archive("5511999990001@s.whatsapp.net", true),
            new AppStateAction(SyncdMutation.Types.SyncdOperation.Set, ["mute", "120363000000000001@g.us"],
                new SyncActionValue { Timestamp = 1_700_000_000_000, MuteAction = new MuteAction { Muted = true, MuteEndTimestamp = 1_800_000_000_000 } }, 2),
            AppStateKnownAnswerTests.Archive("5511999990001@s.whatsapp.net", false),
        };
        foreach (var action in ours)
        {
            var encoded = AppStatePatchEncoder.Encode(Collection, state, keyId, keys, [action]);
            encoded.Patch.Version = new SyncdVersion { Version = encoded.State.Version };
            var mutation = Assert.Single(await baileys.DecodeAsync(Collection, encoded.Patch.ToByteArray(), Ct));
            Assert.Equal(action.Index, mutation.Index);
            Assert.NotNull(mutation.Action);
            state = encoded.State;
        }

        var (version, hash, _) = await baileys.StateAsync(Collection, Ct);
        Assert.Equal(3L, version);
        Assert.Equal(hash, state.Hash);
    }

    [Fact]
    public async Task A_patch_of_ours_with_a_wrong_patch_MAC_is_refused_by_Baileys_too()
    {
        await using var baileys = await BaileysAppStatePeer.StartAsync(Ct);
        var (keyId, keyData) = NewKey();
        await baileys.AddKeyAsync(keyId, keyData, Ct);
        var encoded = AppStatePatchEncoder.Encode(Collection, AppStateCollectionState.Empty(Collection), keyId, AppStateKeys.Expand(keyData),
            [AppStateKnownAnswerTests.Archive("5511999990001@s.whatsapp.net", true)]);
        encoded.Patch.Version = new SyncdVersion { Version = 1 };
        var mac = encoded.Patch.PatchMAC.ToByteArray();
        mac[^1] ^= 0x80;
        encoded.Patch.PatchMAC = ByteString.CopyFrom(mac);

        var refused = await Assert.ThrowsAsync<NodeLinePeerException>(() => baileys.DecodeAsync(Collection, encoded.Patch.ToByteArray(), Ct));
        Assert.Contains("Invalid patch mac", refused.Error, StringComparison.Ordinal);
    }

    private static (byte[] KeyId, byte[] KeyData) NewKey() => (RandomNumberGenerator.GetBytes(6), RandomNumberGenerator.GetBytes(32));
}
