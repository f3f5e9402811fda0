using CodeChat.Grains.Storage;
using CodeChat.Testing;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Store;

namespace CodeChat.Session.Tests;

public sealed class PostgresDeviceStoreTests(MigratedPostgresDatabaseFixture database) : IClassFixture<MigratedPostgresDatabaseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PostgresDeviceStore NewStore() => new(database.DataSource, "store-" + Guid.NewGuid().ToString("N")[..12], database.DataProtection);

    [Fact]
    public async Task Credentials_survive_a_new_store_object_and_keep_every_field()
    {
        var store = NewStore();
        Assert.Null(await store.LoadCredentialsAsync(Ct));

        var credentials = DeviceCredentials.CreateNew() with
        {
            Jid = "15551234567:12@s.whatsapp.net",
            Lid = "123456789012345:12@lid",
            Account = [1, 2, 3],
            PushName = "Sales",
            Platform = "android",
            KeyIndex = 7,
        };
        await store.SaveCredentialsAsync(credentials, Ct);

        // A second object on the same rows stands for the silo after a restart.
        var loaded = await new PostgresDeviceStore(database.DataSource, store.InstanceName, database.DataProtection).LoadCredentialsAsync(Ct);
        Assert.NotNull(loaded);
        Assert.Equal(credentials.NoiseKey.PrivateKey, loaded.NoiseKey.PrivateKey);
        Assert.Equal(credentials.IdentityKey.PublicKey, loaded.IdentityKey.PublicKey);
        Assert.Equal(credentials.SignedPreKey.Signature, loaded.SignedPreKey.Signature);
        Assert.Equal(credentials.AdvSecretKey, loaded.AdvSecretKey);
        Assert.Equal(credentials.RegistrationId, loaded.RegistrationId);
        Assert.Equal(credentials.Account, loaded.Account);
        Assert.Equal(credentials.Jid, loaded.Jid);
        Assert.Equal(credentials.Lid, loaded.Lid);
        Assert.Equal(7u, loaded.KeyIndex);
        Assert.True(loaded.IsPaired);

        var replaced = loaded with { PushName = "Support" };
        await store.SaveCredentialsAsync(replaced, Ct);
        Assert.Equal("Support", (await store.LoadCredentialsAsync(Ct))!.PushName);
    }

    [Fact]
    public async Task Prekey_ids_are_monotonic_and_never_reused_even_after_removal_and_wipe()
    {
        // whatsapp-protocol.md §5.2, pitfall P11: ids count up from 1 and are never issued twice.
        var store = NewStore();
        var first = await store.GetOrGeneratePreKeysAsync(3, Ct);
        Assert.Equal([1u, 2u, 3u], first.Select(key => key.Id));
        await store.MarkPreKeysUploadedAsync(3, Ct);
        await store.RemovePreKeyAsync(3, Ct);

        var second = await store.GetOrGeneratePreKeysAsync(2, Ct);
        Assert.Equal([4u, 5u], second.Select(key => key.Id));
        Assert.All(second, key => Assert.False(key.Uploaded));
        Assert.Equal(2, await store.CountUploadedPreKeysAsync(Ct));

        await store.WipeAsync(Ct);
        Assert.Equal(0, await store.CountUploadedPreKeysAsync(Ct));
        Assert.Equal([6u], (await store.GetOrGeneratePreKeysAsync(1, Ct)).Select(key => key.Id));
    }

    [Fact]
    public async Task Keys_of_an_interrupted_upload_are_offered_again_with_the_same_private_keys()
    {
        var store = NewStore();
        var interrupted = await store.GetOrGeneratePreKeysAsync(2, Ct);

        var retry = await new PostgresDeviceStore(database.DataSource, store.InstanceName, database.DataProtection).GetOrGeneratePreKeysAsync(3, Ct);

        Assert.Equal([1u, 2u, 3u], retry.Select(key => key.Id));
        Assert.Equal(interrupted[0].KeyPair.PrivateKey, retry[0].KeyPair.PrivateKey);
        Assert.Equal(interrupted[1].KeyPair.PublicKey, retry[1].KeyPair.PublicKey);
    }

    [Fact]
    public async Task Concurrent_generation_never_issues_two_keys_under_one_id()
    {
        var store = NewStore();
        // Callers racing on separate connections: without the counter lock two of them would mint
        // different key pairs under the same ids.
        var batches = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            var keys = await new PostgresDeviceStore(database.DataSource, store.InstanceName, database.DataProtection).GetOrGeneratePreKeysAsync(5 + i, Ct);
            return keys;
        }));

        var byId = batches.SelectMany(batch => batch).GroupBy(key => key.Id).ToList();
        Assert.All(byId, group => Assert.Single(group.Select(key => Convert.ToHexString(key.KeyPair.PrivateKey)).Distinct()));
        // The largest request wins: ids 1..12 exist, none beyond, and every handed-out key is the stored one.
        Assert.Equal(Enumerable.Range(1, 12).Select(id => (uint)id), byId.Select(group => group.Key).Order());
        foreach (var group in byId)
            Assert.Equal(group.First().KeyPair.PrivateKey, (await store.GetPreKeyAsync(group.Key, Ct))!.KeyPair.PrivateKey);
        Assert.Null(await store.GetPreKeyAsync(13, Ct));
    }

    [Fact]
    public async Task Uploaded_keys_stay_readable_until_removed()
    {
        var store = NewStore();
        var keys = await store.GetOrGeneratePreKeysAsync(2, Ct);
        await store.MarkPreKeysUploadedAsync(1, Ct);

        var one = await store.GetPreKeyAsync(1, Ct);
        Assert.NotNull(one);
        Assert.True(one.Uploaded);
        Assert.Equal(keys[0].KeyPair.PrivateKey, one.KeyPair.PrivateKey);
        Assert.False((await store.GetPreKeyAsync(2, Ct))!.Uploaded);

        await store.RemovePreKeyAsync(1, Ct);
        Assert.Null(await store.GetPreKeyAsync(1, Ct));
        Assert.Null(await store.GetPreKeyAsync(99, Ct));
    }

    [Fact]
    public async Task Identities_are_per_device_and_replaced_on_save()
    {
        var store = NewStore();
        var device = Jid.Parse("15550001111:3@s.whatsapp.net");
        Assert.Null(await store.GetIdentityAsync(device, Ct));

        await store.SaveIdentityAsync(device, [1, 2, 3], Ct);
        await store.SaveIdentityAsync(device, [4, 5, 6], Ct);

        Assert.Equal([4, 5, 6], await store.GetIdentityAsync(device, Ct));
        Assert.Null(await store.GetIdentityAsync(Jid.Parse("15550001111@s.whatsapp.net"), Ct));
    }

    [Fact]
    public async Task Lid_mapping_works_both_ways_drops_devices_and_replaces_stale_pairs()
    {
        // whatsapp-protocol.md §7.5: mappings are between users; device parts are dropped.
        var store = NewStore();
        var lid = Jid.Parse("123456789012345:4@lid");
        var phone = Jid.Parse("15550001111:4@s.whatsapp.net");
        await store.SaveLidMappingAsync(lid, phone, Ct);

        Assert.Equal(Jid.Parse("123456789012345@lid"), await store.GetLidForPhoneNumberAsync(Jid.Parse("15550001111@s.whatsapp.net"), Ct));
        Assert.Equal(Jid.Parse("15550001111@s.whatsapp.net"), await store.GetPhoneNumberForLidAsync(Jid.Parse("123456789012345@lid"), Ct));

        var newPhone = Jid.Parse("15559998888@s.whatsapp.net");
        await store.SaveLidMappingAsync(lid, newPhone, Ct);
        Assert.Null(await store.GetLidForPhoneNumberAsync(phone, Ct));
        Assert.Equal(newPhone, await store.GetPhoneNumberForLidAsync(lid, Ct));

        await Assert.ThrowsAsync<ArgumentException>(async () => await store.SaveLidMappingAsync(phone, lid, Ct));
    }

    [Fact]
    public async Task The_same_mapping_learned_by_many_callers_at_once_is_stored_once_without_errors()
    {
        var store = NewStore();
        var lid = Jid.Parse("223456789012345@lid");
        var phone = Jid.Parse("15550002222@s.whatsapp.net");

        // A send's group metadata and incoming messages learn the same pair concurrently (seen as a 23505 once).
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => store.SaveLidMappingAsync(lid, phone, Ct).AsTask()));

        Assert.Equal(lid, await store.GetLidForPhoneNumberAsync(phone, Ct));
        Assert.Equal(phone, await store.GetPhoneNumberForLidAsync(lid, Ct));
    }

    [Fact]
    public async Task Privacy_tokens_are_stored_encrypted_keep_the_newest_and_our_issue_time_and_go_with_a_wipe()
    {
        var store = NewStore();
        var contact = Jid.Parse("123456789012345@lid");
        Assert.Null(await store.GetPrivacyTokenAsync(contact, Ct));
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(1_796_000_000);
        await store.SaveIssuedPrivacyTokenAsync(contact, issuedAt, Ct);
        await store.SaveReceivedPrivacyTokenAsync(Jid.Parse("123456789012345:3@lid"), [1, 2, 3], DateTimeOffset.FromUnixTimeSeconds(1_796_100_000), Ct);
        // An older token arriving late does not replace the newer one.
        await store.SaveReceivedPrivacyTokenAsync(contact, [9, 9], DateTimeOffset.FromUnixTimeSeconds(1_796_000_500), Ct);

        var loaded = await new PostgresDeviceStore(database.DataSource, store.InstanceName, database.DataProtection).GetPrivacyTokenAsync(contact, Ct);
        Assert.NotNull(loaded);
        Assert.Equal([1, 2, 3], loaded.Token);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_796_100_000), loaded.TokenTimestamp);
        Assert.Equal(issuedAt, loaded.IssuedToContactAt);
        await store.SaveReceivedPrivacyTokenAsync(contact, [4, 5], DateTimeOffset.FromUnixTimeSeconds(1_796_200_000), Ct);
        Assert.Equal([4, 5], (await store.GetPrivacyTokenAsync(contact, Ct))!.Token);

        // The token lets its holder message the contact: only its Data Protection ciphertext is stored.
        await using (var raw = database.DataSource.CreateCommand("SELECT token_protected FROM device_privacy_tokens WHERE instance_name = $1"))
        {
            raw.Parameters.AddWithValue(store.InstanceName);
            var stored = (byte[])(await raw.ExecuteScalarAsync(Ct))!;
            Assert.True(stored.Length > 20);
            Assert.NotEqual([4, 5], stored);
        }

        await store.WipeAsync(Ct);
        Assert.Null(await store.GetPrivacyTokenAsync(contact, Ct));
    }

    [Fact]
    public async Task Wipe_removes_everything_of_one_instance_and_nothing_of_another()
    {
        var store = NewStore();
        var other = NewStore();
        foreach (var s in new[] { store, other })
        {
            await s.SaveCredentialsAsync(DeviceCredentials.CreateNew(), Ct);
            await s.GetOrGeneratePreKeysAsync(2, Ct);
            await s.MarkPreKeysUploadedAsync(2, Ct);
            await s.SaveIdentityAsync(Jid.Parse("15550001111:1@s.whatsapp.net"), [9], Ct);
            await s.SaveLidMappingAsync(Jid.Parse("1234@lid"), Jid.Parse("15550001111@s.whatsapp.net"), Ct);
        }

        await store.WipeAsync(Ct);

        Assert.Null(await store.LoadCredentialsAsync(Ct));
        Assert.Equal(0, await store.CountUploadedPreKeysAsync(Ct));
        Assert.Null(await store.GetIdentityAsync(Jid.Parse("15550001111:1@s.whatsapp.net"), Ct));
        Assert.Null(await store.GetPhoneNumberForLidAsync(Jid.Parse("1234@lid"), Ct));

        Assert.NotNull(await other.LoadCredentialsAsync(Ct));
        Assert.Equal(2, await other.CountUploadedPreKeysAsync(Ct));
        Assert.NotNull(await other.GetIdentityAsync(Jid.Parse("15550001111:1@s.whatsapp.net"), Ct));
        Assert.NotNull(await other.GetPhoneNumberForLidAsync(Jid.Parse("1234@lid"), Ct));
    }

    [Fact]
    public async Task Purge_also_restarts_prekey_ids()
    {
        var store = NewStore();
        await store.GetOrGeneratePreKeysAsync(3, Ct);

        await store.PurgeAsync(Ct);

        Assert.Equal([1u], (await store.GetOrGeneratePreKeysAsync(1, Ct)).Select(key => key.Id));
    }
}
