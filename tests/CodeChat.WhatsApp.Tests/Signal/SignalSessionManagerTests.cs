using System.Text;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Signal;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>The store-backed session manager: prekey consumption, identity changes, fan-out batching, PN → LID migration.</summary>
public sealed class SignalSessionManagerTests : IAsyncLifetime
{
    private OurSignalDevice _alice = null!;
    private OurSignalDevice _bob = null!;

    public async ValueTask InitializeAsync()
    {
        _alice = await OurSignalDevice.CreateAsync("15550001111:3@s.whatsapp.net");
        _bob = await OurSignalDevice.CreateAsync("15550002222:0@s.whatsapp.net");
    }

    public ValueTask DisposeAsync()
    {
        _alice.Dispose();
        _bob.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_pkmsg_consumes_the_one_time_prekey_only_after_the_session_is_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        await _alice.Sessions.ProcessBundleAsync(_bob.Address, await _bob.GetBundleAsync(3), ct);
        var first = await _alice.Sessions.EncryptAsync(_bob.Address, "one"u8.ToArray(), ct);
        var second = await _alice.Sessions.EncryptAsync(_bob.Address, "two"u8.ToArray(), ct);

        var result = await _bob.Sessions.DecryptAsync(_alice.Address, first.Type, first.Serialized, ct);
        Assert.Equal("one", Encoding.UTF8.GetString(result.Plaintext));
        Assert.Null(await _bob.Store.GetPreKeyAsync(3, ct));
        Assert.NotNull(await _bob.Store.LoadSessionAsync(_alice.Address, ct));
        Assert.Equal(_alice.Credentials.IdentityKey.PublicKey, await _bob.Store.GetIdentityAsync(_alice.Jid, ct));

        // The prekey is gone, but the second pkmsg names the same base key: the stored session serves it.
        Assert.Equal("two", Encoding.UTF8.GetString((await _bob.Sessions.DecryptAsync(_alice.Address, second.Type, second.Serialized, ct)).Plaintext));
    }

    [Fact]
    public async Task A_pkmsg_naming_an_unknown_prekey_fails_and_stores_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await _alice.Sessions.ProcessBundleAsync(_bob.Address, await _bob.GetBundleAsync(2), ct);
        var message = await _alice.Sessions.EncryptAsync(_bob.Address, "x"u8.ToArray(), ct);
        await _bob.Store.RemovePreKeyAsync(2, ct);

        await Assert.ThrowsAsync<InvalidSignalKeyIdException>(() => _bob.Sessions.DecryptAsync(_alice.Address, message.Type, message.Serialized, ct));
        Assert.Null(await _bob.Store.LoadSessionAsync(_alice.Address, ct));
        Assert.Null(await _bob.Store.GetIdentityAsync(_alice.Jid, ct));
    }

    [Fact]
    public async Task A_new_identity_is_accepted_and_reported_and_the_old_sessions_dropped()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.False(await _alice.Sessions.ProcessBundleAsync(_bob.Address, await _bob.GetBundleAsync(1), ct));
        var reinstalled = await OurSignalDevice.CreateAsync(_bob.Jid.ToString());

        Assert.True(await _alice.Sessions.ProcessBundleAsync(_bob.Address, await reinstalled.GetBundleAsync(1), ct));
        var record = SessionRecord.Deserialize((await _alice.Store.LoadSessionAsync(_bob.Address, ct))!);
        Assert.Empty(record.PreviousStates);
        Assert.Equal(reinstalled.Credentials.IdentityKey.PublicKey, await _alice.Store.GetIdentityAsync(_bob.Jid, ct));

        var message = await _alice.Sessions.EncryptAsync(_bob.Address, "to the new install"u8.ToArray(), ct);
        var decrypted = await reinstalled.Sessions.DecryptAsync(_alice.Address, message.Type, message.Serialized, ct);
        Assert.False(decrypted.IdentityChanged);
        Assert.Equal("to the new install", Encoding.UTF8.GetString(decrypted.Plaintext));
        reinstalled.Dispose();
    }

    [Fact]
    public async Task A_fan_out_builds_missing_sessions_and_stores_all_records_in_one_batch()
    {
        var ct = TestContext.Current.CancellationToken;
        using var bobPhone = await OurSignalDevice.CreateAsync("15550002222:7@s.whatsapp.net");
        using var ownPhone = await OurSignalDevice.CreateAsync("15550001111:0@s.whatsapp.net");
        await _alice.Sessions.ProcessBundleAsync(_bob.Address, await _bob.GetBundleAsync(1), ct);
        SignalAddress[] devices = [_bob.Address, bobPhone.Address, ownPhone.Address];
        Assert.Equal([bobPhone.Address, ownPhone.Address], await _alice.Sessions.FindMissingSessionsAsync(devices, ct));
        var batchesBefore = _alice.Store.SessionBatchCount;

        var result = await _alice.Sessions.EncryptForDevicesAsync(
            devices,
            "fan-out"u8.ToArray(),
            new Dictionary<SignalAddress, PreKeyBundle>
            {
                [bobPhone.Address] = await bobPhone.GetBundleAsync(1),
                [ownPhone.Address] = await ownPhone.GetBundleAsync(null),
            },
            ct);

        Assert.Equal(batchesBefore + 1, _alice.Store.SessionBatchCount);
        Assert.Empty(result.IdentityChanges);
        foreach (var (device, receiver) in new[] { (_bob.Address, _bob), (bobPhone.Address, bobPhone), (ownPhone.Address, ownPhone) })
        {
            var message = result.Messages[device];
            Assert.Equal("pkmsg", message.EncType);
            var plain = await receiver.Sessions.DecryptAsync(_alice.Address, message.Type, message.Serialized, ct);
            Assert.Equal("fan-out", Encoding.UTF8.GetString(plain.Plaintext));
        }
        Assert.Empty(await _alice.Sessions.FindMissingSessionsAsync(devices, ct));
    }

    [Fact]
    public async Task A_fan_out_with_a_forged_bundle_stores_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var other = await OurSignalDevice.CreateAsync("15550003333:1@s.whatsapp.net");
        var forged = (await other.GetBundleAsync(1)) with { SignedPreKeySignature = new byte[64] };
        await _alice.Sessions.ProcessBundleAsync(_bob.Address, await _bob.GetBundleAsync(1), ct);
        var bobRecord = await _alice.Store.LoadSessionAsync(_bob.Address, ct);

        await Assert.ThrowsAsync<InvalidPreKeyBundleException>(() => _alice.Sessions.EncryptForDevicesAsync(
            [_bob.Address, other.Address], "x"u8.ToArray(), new Dictionary<SignalAddress, PreKeyBundle> { [other.Address] = forged }, ct));
        Assert.Equal(bobRecord, await _alice.Store.LoadSessionAsync(_bob.Address, ct));
        Assert.Null(await _alice.Store.LoadSessionAsync(other.Address, ct));
        await Assert.ThrowsAsync<NoSignalSessionException>(() => _alice.Sessions.EncryptAsync(other.Address, "x"u8.ToArray(), ct));
    }

    [Fact]
    public async Task Phone_number_sessions_migrate_to_the_lid_address_and_keep_working()
    {
        // whatsapp-protocol.md §7.5 / pitfall P4: sessions keyed by LID once the mapping is known.
        var ct = TestContext.Current.CancellationToken;
        var bobPn = Jid.Parse("15550002222@s.whatsapp.net");
        var bobLid = Jid.Parse("123456789012345@lid");
        await _alice.Sessions.ProcessBundleAsync(_bob.Address, await _bob.GetBundleAsync(1), ct);
        var hello = await _alice.Sessions.EncryptAsync(_bob.Address, "hello"u8.ToArray(), ct);
        await _bob.Sessions.DecryptAsync(_alice.Address, hello.Type, hello.Serialized, ct);
        var reply = await _bob.Sessions.EncryptAsync(_alice.Address, "reply"u8.ToArray(), ct);
        await _alice.Sessions.DecryptAsync(_bob.Address, reply.Type, reply.Serialized, ct);

        Assert.Equal(1, await _alice.Sessions.MigrateSessionsToLidAsync(bobPn, bobLid, ct));

        var lidAddress = SignalAddress.FromJid(bobLid.WithDevice(_bob.Jid.Device));
        Assert.Equal("123456789012345_1", lidAddress.Name);
        Assert.Null(await _alice.Store.LoadSessionAsync(_bob.Address, ct));
        Assert.False(await _alice.Sessions.HasSessionAsync(_bob.Address, ct));
        Assert.True(await _alice.Sessions.HasSessionAsync(lidAddress, ct));
        Assert.Equal(_bob.Credentials.IdentityKey.PublicKey, await _alice.Store.GetIdentityAsync(lidAddress.ToJid(), ct));

        // The same ratchet continues under the LID address (Bob still knows Alice by her PN here).
        var next = await _alice.Sessions.EncryptAsync(lidAddress, "after migration"u8.ToArray(), ct);
        Assert.Equal("msg", next.EncType);
        Assert.Equal("after migration", Encoding.UTF8.GetString((await _bob.Sessions.DecryptAsync(_alice.Address, next.Type, next.Serialized, ct)).Plaintext));
        Assert.Equal(0, await _alice.Sessions.MigrateSessionsToLidAsync(bobPn, bobLid, ct));
    }

    [Fact]
    public async Task Migration_keeps_an_existing_lid_session()
    {
        var ct = TestContext.Current.CancellationToken;
        var bobLidDevice = Jid.Parse("123456789012345@lid");
        var lidAddress = SignalAddress.FromJid(bobLidDevice);
        await _alice.Sessions.ProcessBundleAsync(_bob.Address, await _bob.GetBundleAsync(1), ct);
        await _alice.Sessions.ProcessBundleAsync(lidAddress, await _bob.GetBundleAsync(2), ct);
        var lidRecord = await _alice.Store.LoadSessionAsync(lidAddress, ct);

        Assert.Equal(1, await _alice.Sessions.MigrateSessionsToLidAsync(Jid.Parse("15550002222@s.whatsapp.net"), bobLidDevice, ct));
        Assert.Equal(lidRecord, await _alice.Store.LoadSessionAsync(lidAddress, ct));
        Assert.Null(await _alice.Store.LoadSessionAsync(_bob.Address, ct));
    }
}
