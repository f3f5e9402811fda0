using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Store;

namespace CodeChat.WhatsApp.Tests.Store;

public class InMemoryDeviceStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Credentials_round_trip_and_wipe()
    {
        var store = new InMemoryDeviceStore();
        Assert.Null(await store.LoadCredentialsAsync(Ct));

        var credentials = DeviceCredentials.CreateNew();
        await store.SaveCredentialsAsync(credentials, Ct);
        Assert.Same(credentials, await store.LoadCredentialsAsync(Ct));

        await store.WipeAsync(Ct);
        Assert.Null(await store.LoadCredentialsAsync(Ct));
    }

    [Fact]
    public async Task Prekey_ids_are_monotonic_and_never_reused()
    {
        // whatsapp-protocol.md §4.1/§5.2, pitfall P11: sequential ids from 1, never regenerated.
        var store = new InMemoryDeviceStore();

        var first = await store.GetOrGeneratePreKeysAsync(3, Ct);
        Assert.Equal([1u, 2u, 3u], first.Select(key => key.Id));
        await store.MarkPreKeysUploadedAsync(3, Ct);
        await store.RemovePreKeyAsync(3, Ct);

        var second = await store.GetOrGeneratePreKeysAsync(2, Ct);
        Assert.Equal([4u, 5u], second.Select(key => key.Id));
        Assert.All(second, key => Assert.False(key.Uploaded));
        Assert.Equal(2, await store.CountUploadedPreKeysAsync(Ct));
    }

    [Fact]
    public async Task Keys_of_an_interrupted_upload_are_offered_again()
    {
        var store = new InMemoryDeviceStore();
        var interrupted = await store.GetOrGeneratePreKeysAsync(2, Ct);

        var retry = await store.GetOrGeneratePreKeysAsync(3, Ct);

        Assert.Equal([1u, 2u, 3u], retry.Select(key => key.Id));
        Assert.Equal(interrupted[0].KeyPair.PrivateKey, retry[0].KeyPair.PrivateKey);
    }

    [Fact]
    public async Task Uploaded_prekeys_stay_readable_until_removed()
    {
        var store = new InMemoryDeviceStore();
        var keys = await store.GetOrGeneratePreKeysAsync(2, Ct);
        await store.MarkPreKeysUploadedAsync(1, Ct);

        var one = await store.GetPreKeyAsync(1, Ct);
        Assert.NotNull(one);
        Assert.True(one.Uploaded);
        Assert.Equal(keys[0].KeyPair.PublicKey, one.KeyPair.PublicKey);
        Assert.False((await store.GetPreKeyAsync(2, Ct))!.Uploaded);

        await store.RemovePreKeyAsync(1, Ct);
        Assert.Null(await store.GetPreKeyAsync(1, Ct));
    }

    [Fact]
    public async Task Identities_and_lid_mappings_are_kept_per_user()
    {
        var store = new InMemoryDeviceStore();
        var lidDevice = Jid.Parse("123456789012345:12@lid");
        var pnDevice = Jid.Parse("15551234567:12@s.whatsapp.net");

        await store.SaveIdentityAsync(Jid.Parse("123456789012345@lid"), [7, 7], Ct);
        await store.SaveLidMappingAsync(lidDevice, pnDevice, Ct);

        Assert.Equal([7, 7], await store.GetIdentityAsync(Jid.Parse("123456789012345@lid"), Ct));
        Assert.Equal(Jid.Parse("123456789012345@lid"), await store.GetLidForPhoneNumberAsync(Jid.Parse("15551234567@s.whatsapp.net"), Ct));
        Assert.Equal(Jid.Parse("15551234567@s.whatsapp.net"), await store.GetPhoneNumberForLidAsync(lidDevice, Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.SaveLidMappingAsync(pnDevice, lidDevice, Ct));

        await store.WipeAsync(Ct);
        Assert.Null(await store.GetIdentityAsync(Jid.Parse("123456789012345@lid"), Ct));
        Assert.Null(await store.GetLidForPhoneNumberAsync(pnDevice, Ct));
    }
}
