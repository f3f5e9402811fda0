using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Testing;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;
using Npgsql;
using static CodeChat.Session.Tests.AppStateTestSupport;

namespace CodeChat.Session.Tests;

/// <summary>
/// App-state snapshots and external patches through the real silo, PostgreSQL and the emulator's media
/// host. Baileys 7 builds the phone's snapshots (records from its encodeSyncdPatch, accepted by its
/// decodeSyncdSnapshot) and encrypts every blob with its encryptedStream (md-app-state), so our
/// download, verification and application meet an independent codec: a snapshot and the external
/// patch after it become rows, events and stored versions; a snapshot whose MAC was tampered with is
/// refused whole, and what is logged of it holds no key.
/// </summary>
public sealed class AppStateSnapshotTests(PostgresServerFixture postgres, EmulatorFixture emulator, BaileysInteropPackages packages)
    : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_snapshot_and_an_external_patch_from_the_phone_apply_and_a_tampered_snapshot_is_refused()
    {
        Assert.NotNull(packages);
        var logs = new RecordingLoggerProvider();
        await using var scene = await AppStateScene.StartAsync(postgres, emulator, logs);
        var (instance, phone, bobAccount) = (scene.Instance, scene.Phone, scene.Bob);
        var (keyId, keyData) = await scene.NewKeyAsync();

        // Before the companion holds the key, the server already keeps the phone's snapshots (Bob's chat
        // archived at version 4; Bob's contact name at version 3) and, after the first, a patch whose
        // mutations live in an external blob (Bob's chat pinned, version 5).
        var appState = instance.Account.AppState;
        appState.SetSnapshot(RegularLow, 4, await UploadAsync(phone, await phone.SnapshotAsync(RegularLow, keyId, 4,
            [new(["archive", bobAccount.PnJid], new JsonObject { ["timestamp"] = 1_700_000_000_000, ["archiveChatAction"] = new JsonObject { ["archived"] = true } }, 3)], Ct)));
        appState.SetSnapshot(CriticalUnblockLow, 3, await UploadAsync(phone, await phone.SnapshotAsync(CriticalUnblockLow, keyId, 3,
            [new(["contact", bobAccount.PnJid], new JsonObject { ["contactAction"] = new JsonObject { ["fullName"] = "Robert (snapshot)", ["firstName"] = "Robert" } }, 2)], Ct)));
        var (pinPatch, pinMutations) = await phone.EncodeExternalAsync(RegularLow, keyId, ["pin_v1", bobAccount.PnJid],
            new JsonObject { ["timestamp"] = 1_700_000_100_000, ["pinAction"] = new JsonObject { ["pinned"] = true } }, 5, Ct);
        var external = SyncdPatch.Parser.ParseFrom(pinPatch);
        Assert.Empty(external.Mutations);
        external.ExternalMutations = await UploadAsync(phone, pinMutations);
        Assert.Equal(5UL, appState.AppendLatest(RegularLow, external.ToByteArray()));

        // The phone shares its key: every collection syncs from version 0 with a snapshot.
        emulator.Emulator.SendFromPhone(instance.Device, KeyShare(keyId, keyData));
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bobAccount.PnJid, "archived", true));
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bobAccount.PnJid, "pinned", 1_700_000_100_000L));
        var renamed = await instance.WaitForEventAsync(InstanceEventNames.ContactsUpdate,
            e => e[0].GetProperty("contactName").GetString() == "Robert (snapshot)");
        Assert.Equal(bobAccount.PnJid, renamed[0].GetProperty("wuid").GetString());
        await WaitUntilAsync(async () => (await VersionsAsync(instance)).GetValueOrDefault(RegularLow) == 5);
        var chat = await ChatRowAsync(instance, bobAccount.PnJid);
        Assert.True(chat.GetProperty("archived").GetBoolean());
        var contacts = (await instance.PostAsync("/chat/findContacts", new { where = new { remoteJid = bobAccount.PnJid } })).Body;
        Assert.Equal("Robert (snapshot)", Assert.Single(contacts.EnumerateArray()).GetProperty("name").GetString());
        var versions = await VersionsAsync(instance);
        Assert.Equal(3L, versions[CriticalUnblockLow]);

        // A snapshot whose MAC was tampered with (Bob muted) is refused: nothing of it is applied, no
        // version is kept, and the log says so without the key or the blob's media key.
        var muteSnapshot = SyncdSnapshot.Parser.ParseFrom(await phone.SnapshotAsync(RegularHigh, keyId, 2,
            [new(["mute", bobAccount.PnJid], new JsonObject { ["timestamp"] = 1_700_000_000_000, ["muteAction"] = new JsonObject { ["muted"] = true, ["muteEndTimestamp"] = 1_900_000_000_000 } }, 2)], Ct));
        var mac = muteSnapshot.Mac.ToByteArray();
        mac[0] ^= 0x01;
        muteSnapshot.Mac = ByteString.CopyFrom(mac);
        var tampered = await phone.EncryptBlobAsync(muteSnapshot.ToByteArray(), Ct);
        emulator.Emulator.SetAppStateSnapshotFromPhone(instance.Account, RegularHigh, 2, Reference(tampered));
        await WaitUntilAsync(() => Task.FromResult(logs.Lines.Any(l => l.Contains($"app-state {RegularHigh} version 2 REFUSED", StringComparison.Ordinal))));
        var events = await instance.Host.EventsAsync(instance.Name);
        Assert.DoesNotContain(events, e => e.Event == InstanceEventNames.ChatsUpdate && e.DataJson.Contains("muteEndTime", StringComparison.Ordinal));
        Assert.False((await ChatRowAsync(instance, bobAccount.PnJid)).TryGetProperty("muteEndTime", out _));
        Assert.False((await VersionsAsync(instance)).ContainsKey(RegularHigh));
        var secrets = new[] { keyData, tampered.MediaKey }.SelectMany(s => new[] { Convert.ToBase64String(s), Convert.ToHexString(s), Convert.ToHexStringLower(s) });
        Assert.DoesNotContain(logs.Lines, line => secrets.Any(secret => line.Contains(secret, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_refused_patch_makes_us_recover_the_collection_from_the_servers_snapshot()
    {
        Assert.NotNull(packages);
        var logs = new RecordingLoggerProvider();
        await using var scene = await AppStateScene.StartAsync(postgres, emulator, logs);
        var (instance, phone, bobAccount) = (scene.Instance, scene.Phone, scene.Bob);
        var (keyId, _) = await scene.ShareNewKeyAsync();
        var archive = new JsonObject { ["timestamp"] = 1_700_000_000_000, ["archiveChatAction"] = new JsonObject { ["archived"] = true } };
        var pin = new JsonObject { ["timestamp"] = 1_700_000_100_000, ["pinAction"] = new JsonObject { ["pinned"] = true } };

        // Version 1 applies as usual.
        emulator.Emulator.PushAppStatePatchFromPhone(instance.Account, RegularLow,
            await phone.EncodeAsync(RegularLow, keyId, ["archive", bobAccount.PnJid], archive, 3, false, Ct));
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bobAccount.PnJid, "archived", true));

        // Version 2 reaches the server with a broken patch MAC; the phone's snapshot at version 2 holds
        // what it meant (archived and pinned); version 3 unarchives, built on that snapshot.
        var broken = SyncdPatch.Parser.ParseFrom(await phone.EncodeAsync(RegularLow, keyId, ["pin_v1", bobAccount.PnJid], pin, 5, false, Ct));
        var mac = broken.PatchMAC.ToByteArray();
        mac[0] ^= 0x01;
        broken.PatchMAC = ByteString.CopyFrom(mac);
        var appState = instance.Account.AppState;
        Assert.Equal(2UL, appState.AppendLatest(RegularLow, broken.ToByteArray()));
        appState.SetSnapshot(RegularLow, 2, await UploadAsync(phone, await phone.SnapshotAsync(RegularLow, keyId, 2,
            [new(["archive", bobAccount.PnJid], archive, 3), new(["pin_v1", bobAccount.PnJid], pin, 5)], Ct)));
        emulator.Emulator.PushAppStatePatchFromPhone(instance.Account, RegularLow, await phone.EncodeAsync(RegularLow, keyId, ["archive", bobAccount.PnJid],
            new JsonObject { ["timestamp"] = 1_700_000_200_000, ["archiveChatAction"] = new JsonObject { ["archived"] = false } }, 3, false, Ct));

        // Our sync refuses version 2, asks again for the snapshot, applies it and then version 3.
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bobAccount.PnJid, "pinned", 1_700_000_100_000L));
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bobAccount.PnJid, "archived", false));
        await WaitUntilAsync(async () => (await VersionsAsync(instance)).GetValueOrDefault(RegularLow) == 3);
        Assert.False((await ChatRowAsync(instance, bobAccount.PnJid)).GetProperty("archived").GetBoolean());
        Assert.Contains(logs.Lines, l => l.Contains($"app-state {RegularLow} version 2 REFUSED", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains($"app-state {RegularLow} asks the server for its snapshot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Recovering_from_a_snapshot_older_than_our_version_raises_nothing_twice_and_never_lowers_the_version()
    {
        Assert.NotNull(packages);
        var logs = new RecordingLoggerProvider();
        await using var scene = await AppStateScene.StartAsync(postgres, emulator, logs);
        var (instance, phone, bob) = (scene.Instance, scene.Phone, scene.Bob.PnJid);
        var (keyId, _) = await scene.ShareNewKeyAsync();
        var archive = new JsonObject { ["timestamp"] = 1_700_000_000_000, ["archiveChatAction"] = new JsonObject { ["archived"] = true } };

        // The phone's snapshot at version 1 (Bob archived), then patches 2 (pinned) and 3 (muted): each
        // applies once, with its event.
        emulator.Emulator.SetAppStateSnapshotFromPhone(instance.Account, RegularLow, 1,
            await UploadAsync(phone, await phone.SnapshotAsync(RegularLow, keyId, 1, [new(["archive", bob], archive, 3)], Ct)));
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bob, "archived", true));
        emulator.Emulator.PushAppStatePatchFromPhone(instance.Account, RegularLow, await phone.EncodeAsync(RegularLow, keyId, ["pin_v1", bob],
            new JsonObject { ["timestamp"] = 1_700_000_100_000, ["pinAction"] = new JsonObject { ["pinned"] = true } }, 5, false, Ct));
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bob, "pinned", 1_700_000_100_000L));
        emulator.Emulator.PushAppStatePatchFromPhone(instance.Account, RegularLow, await phone.EncodeAsync(RegularLow, keyId, ["mute", bob],
            new JsonObject { ["timestamp"] = 1_700_000_200_000, ["muteAction"] = new JsonObject { ["muted"] = true, ["muteEndTimestamp"] = 1_900_000_000_000 } }, 2, false, Ct));
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bob, "muteEndTime", 1_900_000_000_000L));
        await WaitUntilAsync(async () => (await VersionsAsync(instance)).GetValueOrDefault(RegularLow) == 3);

        // Our stored LT-hash gets corrupted, so the phone's good patch 4 (unarchive) is refused on top of
        // it and we recover from the server's snapshot, which is at version 1, below the 3 we hold.
        await CorruptLtHashAsync(instance, RegularLow);
        emulator.Emulator.PushAppStatePatchFromPhone(instance.Account, RegularLow, await phone.EncodeAsync(RegularLow, keyId, ["archive", bob],
            new JsonObject { ["timestamp"] = 1_700_000_300_000, ["archiveChatAction"] = new JsonObject { ["archived"] = false } }, 3, false, Ct));
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bob, "archived", false));
        await WaitUntilAsync(async () => (await VersionsAsync(instance)).GetValueOrDefault(RegularLow) == 4);
        Assert.Contains(logs.Lines, l => l.Contains($"app-state {RegularLow} version 4 REFUSED", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains($"app-state {RegularLow} asks the server for its snapshot", StringComparison.Ordinal));

        // A later patch (5, marked unread) applies on top of the recovered state.
        emulator.Emulator.PushAppStatePatchFromPhone(instance.Account, RegularLow, await phone.EncodeAsync(RegularLow, keyId, ["markChatAsRead", bob],
            new JsonObject { ["timestamp"] = 1_700_000_400_000, ["markChatAsReadAction"] = new JsonObject { ["read"] = false } }, 3, false, Ct));
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bob, "unreadCount", -1L));
        await WaitUntilAsync(async () => (await VersionsAsync(instance)).GetValueOrDefault(RegularLow) == 5);

        // The replay of versions 1 to 3 raised no second event, and the stored version never went below 3:
        // versions 1 and 2 were each written once, when first met.
        var changes = (await instance.Host.EventsAsync(instance.Name))
            .Where(e => e.Event == InstanceEventNames.ChatsUpdate)
            .Select(e => JsonDocument.Parse(e.DataJson).RootElement)
            .ToList();
        Assert.Single(changes, e => IsChange(e, bob, "archived", true));
        Assert.Single(changes, e => IsChange(e, bob, "pinned", 1_700_000_100_000L));
        Assert.Single(changes, e => IsChange(e, bob, "muteEndTime", 1_900_000_000_000L));
        Assert.Single(logs.Lines, l => l.Contains($"app-state {RegularLow} at version 1 (", StringComparison.Ordinal));
        Assert.Single(logs.Lines, l => l.Contains($"app-state {RegularLow} at version 2 (", StringComparison.Ordinal));
        var chat = await ChatRowAsync(instance, bob);
        Assert.False(chat.GetProperty("archived").GetBoolean());
        Assert.Equal(1_700_000_100_000L, chat.GetProperty("pinned").GetInt64());
    }

    [Fact]
    public async Task A_collection_whose_recovery_failed_is_not_recovered_again_until_a_version_moves()
    {
        Assert.NotNull(packages);
        var logs = new RecordingLoggerProvider();
        await using var scene = await AppStateScene.StartAsync(postgres, emulator, logs);
        var (instance, phone, bob) = (scene.Instance, scene.Phone, scene.Bob.PnJid);
        var (keyId, _) = await scene.ShareNewKeyAsync();
        var refusals = () => logs.Lines.Count(l => l.Contains($"app-state {RegularLow} version 2 REFUSED", StringComparison.Ordinal));
        var recoveries = () => logs.Lines.Count(l => l.Contains($"app-state {RegularLow} asks the server for its snapshot", StringComparison.Ordinal));

        // The phone's snapshot at version 1 applies; its patch 2 reaches the server with a broken MAC and
        // the snapshot cannot help: we refuse it, recover from the snapshot once, and refuse it again.
        emulator.Emulator.SetAppStateSnapshotFromPhone(instance.Account, RegularLow, 1, await UploadAsync(phone, await phone.SnapshotAsync(RegularLow, keyId, 1,
            [new(["archive", bob], new JsonObject { ["timestamp"] = 1_700_000_000_000, ["archiveChatAction"] = new JsonObject { ["archived"] = true } }, 3)], Ct)));
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bob, "archived", true));
        var broken = SyncdPatch.Parser.ParseFrom(await phone.EncodeAsync(RegularLow, keyId, ["pin_v1", bob],
            new JsonObject { ["timestamp"] = 1_700_000_100_000, ["pinAction"] = new JsonObject { ["pinned"] = true } }, 5, false, Ct));
        var mac = broken.PatchMAC.ToByteArray();
        mac[0] ^= 0x01;
        broken.PatchMAC = ByteString.CopyFrom(mac);
        emulator.Emulator.PushAppStatePatchFromPhone(instance.Account, RegularLow, broken.ToByteArray());
        await WaitUntilAsync(() => Task.FromResult(refusals() >= 2));
        Assert.Equal(1, recoveries());

        // Another sync at the same versions (the phone shares one more key: every collection syncs)
        // refuses the patch again but does not download the snapshot again.
        await scene.ShareNewKeyAsync();
        await WaitUntilAsync(() => Task.FromResult(refusals() >= 3 && (recoveries() > 1
            || logs.Lines.Any(l => l.Contains($"app-state {RegularLow} recovery already failed at our version 1 and the server's 2", StringComparison.Ordinal)))));
        Assert.Equal(1, recoveries());

        // The server's version moves (the phone's next patch): recovery is worth one more try.
        emulator.Emulator.PushAppStatePatchFromPhone(instance.Account, RegularLow, await phone.EncodeAsync(RegularLow, keyId, ["archive", bob],
            new JsonObject { ["timestamp"] = 1_700_000_200_000, ["archiveChatAction"] = new JsonObject { ["archived"] = false } }, 3, false, Ct));
        await WaitUntilAsync(() => Task.FromResult(recoveries() == 2));
        Assert.Equal(1L, (await VersionsAsync(instance))[RegularLow]);
    }

    /// <summary>Our stored LT-hash of <paramref name="collection"/> no longer matches what we applied (corrupted local state).</summary>
    private static async Task CorruptLtHashAsync(SendingInstance instance, string collection)
    {
        await using var data = NpgsqlDataSource.Create(instance.ConnectionString);
        await using var command = data.CreateCommand("UPDATE app_state_collections SET lt_hash = $3 WHERE instance_name = $1 AND name = $2");
        command.Parameters.AddWithValue(instance.Name);
        command.Parameters.AddWithValue(collection);
        command.Parameters.AddWithValue(RandomNumberGenerator.GetBytes(128));
        Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
    }

    /// <summary>Baileys encrypts the blob as the phone would; the phone uploads it to the emulator's media host.</summary>
    private async Task<ExternalBlobReference> UploadAsync(BaileysAppStatePeer phone, byte[] plaintext) =>
        Reference(await phone.EncryptBlobAsync(plaintext, Ct));

    private ExternalBlobReference Reference(BaileysEncryptedBlob blob) =>
        emulator.Emulator.UploadAppStateBlobFromPhone(blob.Encrypted, blob.MediaKey, blob.FileSha256, blob.FileEncSha256, (ulong)blob.FileLength);
}
