using System.Text;
using CodeChat.Grains.Storage;
using CodeChat.Testing;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Signal;
using CodeChat.WhatsApp.Store;
using Npgsql;

namespace CodeChat.Session.Tests;

public sealed class PostgresSignalSessionStoreTests(MigratedPostgresDatabaseFixture database) : IClassFixture<MigratedPostgresDatabaseFixture>
{
    private static readonly SignalAddress Phone = new("15551234567", 0);
    private static readonly SignalAddress Laptop = new("15551234567", 3);
    private static readonly SignalAddress LidPhone = new("123456789012345_1", 0);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PostgresSignalSessionStore NewStore() => new(database.DataSource, "signal-" + Guid.NewGuid().ToString("N")[..12], database.DataProtection);

    [Fact]
    public async Task Records_round_trip_per_address_and_survive_a_new_store_object()
    {
        var store = NewStore();
        Assert.Null(await store.LoadSessionAsync(Phone, Ct));
        await store.StoreSessionsAsync([new(Phone, [1, 2, 3]), new(Laptop, [4])], Ct);
        await store.StoreSessionsAsync([new(Phone, [9])], Ct);

        var restarted = new PostgresSignalSessionStore(database.DataSource, store.InstanceName, database.DataProtection);
        Assert.Equal([9], await restarted.LoadSessionAsync(Phone, Ct));
        var both = await restarted.LoadSessionsAsync([Phone, Laptop, LidPhone], Ct);
        Assert.Equal(2, both.Count);
        Assert.Equal([4], both[Laptop]);
        Assert.Equal([Phone, Laptop], await restarted.ListSessionsAsync("15551234567", Ct));

        // Another instance sees none of it.
        Assert.Null(await NewStore().LoadSessionAsync(Phone, Ct));

        await restarted.DeleteSessionAsync(Phone, Ct);
        Assert.Null(await store.LoadSessionAsync(Phone, Ct));
        await restarted.DeleteAllSessionsAsync(Ct);
        Assert.Empty(await store.ListSessionsAsync("15551234567", Ct));
    }

    [Fact]
    public async Task A_failing_batch_stores_none_of_its_records()
    {
        var store = NewStore();
        await store.StoreSessionsAsync([new(Phone, [1])], Ct);
        // The same address twice makes PostgreSQL reject the statement: nothing of it may land.
        await Assert.ThrowsAsync<PostgresException>(async () =>
            await store.StoreSessionsAsync([new(Laptop, [2]), new(Phone, [3]), new(Phone, [4])], Ct));
        Assert.Equal([1], await store.LoadSessionAsync(Phone, Ct));
        Assert.Null(await store.LoadSessionAsync(Laptop, Ct));
    }

    [Fact]
    public async Task Moving_sessions_keeps_an_existing_target_and_always_removes_the_source()
    {
        var store = NewStore();
        var lidLaptop = new SignalAddress("123456789012345_1", 3);
        await store.StoreSessionsAsync([new(Phone, [1]), new(Laptop, [2]), new(lidLaptop, [7])], Ct);

        await store.MoveSessionsAsync([new(Phone, LidPhone), new(Laptop, lidLaptop)], Ct);

        Assert.Equal([1], await store.LoadSessionAsync(LidPhone, Ct));
        Assert.Equal([7], await store.LoadSessionAsync(lidLaptop, Ct));
        Assert.Empty(await store.ListSessionsAsync(Phone.Name, Ct));
    }

    [Fact]
    public async Task The_session_manager_runs_on_postgres_and_a_restart_continues_the_ratchet()
    {
        // Our device on PostgreSQL talks to a peer of ours in memory; a new manager over the same
        // rows (the silo restarted) continues the same sessions.
        var instance = "signal-" + Guid.NewGuid().ToString("N")[..12];
        var devices = new PostgresDeviceStore(database.DataSource, instance, database.DataProtection);
        var credentials = DeviceCredentials.CreateNew();
        await devices.SaveCredentialsAsync(credentials, Ct);
        var ourPreKeys = await devices.GetOrGeneratePreKeysAsync(2, Ct);
        var ours = LocalSignalIdentity.FromCredentials(credentials);
        SignalSessionManager OpenManager() => new(ours, new PostgresSignalSessionStore(database.DataSource, instance, database.DataProtection), devices, devices);

        var peerStore = new InMemoryDeviceStore();
        var peerCredentials = DeviceCredentials.CreateNew();
        using var peer = new SignalSessionManager(LocalSignalIdentity.FromCredentials(peerCredentials), peerStore, peerStore, peerStore);
        var ourAddress = SignalAddress.FromJid(Jid.Parse("15550001111:4@s.whatsapp.net"));
        var peerAddress = SignalAddress.FromJid(Jid.Parse("123456789012345:2@lid"));

        await peer.ProcessBundleAsync(ourAddress, new PreKeyBundle(
            credentials.RegistrationId,
            credentials.IdentityKey.ToPublicKey(),
            credentials.SignedPreKey.Id,
            credentials.SignedPreKey.KeyPair.ToPublicKey(),
            credentials.SignedPreKey.Signature,
            ourPreKeys[0].Id,
            ourPreKeys[0].KeyPair.ToPublicKey()), Ct);
        var first = await peer.EncryptAsync(ourAddress, "first"u8.ToArray(), Ct);

        using (var manager = OpenManager())
        {
            Assert.Equal("first", Encoding.UTF8.GetString((await manager.DecryptAsync(peerAddress, first.Type, first.Serialized, Ct)).Plaintext));
            var reply = await manager.EncryptAsync(peerAddress, "reply"u8.ToArray(), Ct);
            Assert.Equal("reply", Encoding.UTF8.GetString((await peer.DecryptAsync(ourAddress, reply.Type, reply.Serialized, Ct)).Plaintext));
        }
        Assert.Null(await devices.GetPreKeyAsync(ourPreKeys[0].Id, Ct));
        Assert.Equal(peerCredentials.IdentityKey.PublicKey, await devices.GetIdentityAsync(peerAddress.ToJid(), Ct));

        using (var restarted = OpenManager())
        {
            var second = await peer.EncryptAsync(ourAddress, "after restart"u8.ToArray(), Ct);
            Assert.Equal("msg", second.EncType);
            Assert.Equal("after restart", Encoding.UTF8.GetString((await restarted.DecryptAsync(peerAddress, second.Type, second.Serialized, Ct)).Plaintext));
        }
    }

    [Fact]
    public async Task Records_are_stored_only_encrypted()
    {
        var store = NewStore();
        byte[] record = [.. Enumerable.Range(0, 64).Select(i => (byte)(i * 7))];
        await store.StoreSessionsAsync([new(Phone, record)], Ct);

        await using var raw = database.DataSource.CreateCommand("SELECT record FROM signal_sessions WHERE instance_name = $1");
        raw.Parameters.Add(new NpgsqlParameter { Value = store.InstanceName });
        var stored = Assert.IsType<byte[]>(await raw.ExecuteScalarAsync(Ct));
        Assert.DoesNotContain(Convert.ToHexStringLower(record), Convert.ToHexStringLower(stored));
        Assert.Equal(record, await store.LoadSessionAsync(Phone, Ct));
    }
}
