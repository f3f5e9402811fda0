using System.Text;
using CodeChat.Grains.Storage;
using CodeChat.Testing;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Signal;
using CodeChat.WhatsApp.Signal.Groups;

namespace CodeChat.Session.Tests;

public sealed class PostgresSenderKeyStoreTests(MigratedPostgresDatabaseFixture database) : IClassFixture<MigratedPostgresDatabaseFixture>
{
    private static readonly Jid Group = Jid.Parse("120363000000000003@g.us");
    private static readonly SenderKeyName Ours = new(Group, new SignalAddress("111111111111111_1", 0));
    private static readonly SenderKeyName Theirs = new(Group, new SignalAddress("222222222222222_1", 7));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewInstance() => "senderkeys-" + Guid.NewGuid().ToString("N")[..12];

    private static byte[] Text(string text) => MessagePadding.Pad(Encoding.UTF8.GetBytes(text), 3);

    [Fact]
    public async Task Records_round_trip_per_name_survive_a_new_store_object_and_stay_per_instance()
    {
        var store = new PostgresSenderKeyStore(database.DataSource, NewInstance(), database.DataProtection);
        Assert.Null(await store.LoadSenderKeyAsync(Ours, Ct));
        var skdm = await new GroupSessionBuilder(store).CreateAsync(Ours, Ct);

        var restarted = new PostgresSenderKeyStore(database.DataSource, store.InstanceName, database.DataProtection);
        var record = await restarted.LoadSenderKeyAsync(Ours, Ct);
        Assert.NotNull(record);
        Assert.Equal(skdm.KeyId, record.CurrentState!.KeyId);
        Assert.NotNull(record.CurrentState.SigningKeyPair);
        // Same group, other sender (and device); other instance: nothing.
        Assert.Null(await restarted.LoadSenderKeyAsync(Theirs, Ct));
        Assert.Null(await new PostgresSenderKeyStore(database.DataSource, NewInstance(), database.DataProtection).LoadSenderKeyAsync(Ours, Ct));

        await restarted.RemoveSenderKeyAsync(Ours, Ct);
        Assert.Null(await store.LoadSenderKeyAsync(Ours, Ct));
        await restarted.RemoveSenderKeyAsync(Ours, Ct);
    }

    [Fact]
    public async Task A_group_conversation_continues_across_restarts_of_both_sides()
    {
        var senderInstance = NewInstance();
        var memberInstance = NewInstance();
        PostgresSenderKeyStore SenderStore() => new(database.DataSource, senderInstance, database.DataProtection);
        PostgresSenderKeyStore MemberStore() => new(database.DataSource, memberInstance, database.DataProtection);

        var skdm = await new GroupSessionBuilder(SenderStore()).CreateAsync(Ours, Ct);
        await new GroupSessionBuilder(MemberStore()).ProcessAsync(Ours, SenderKeyDistributionMessage.Parse(skdm.Serialized.Span), Ct);
        var first = await new GroupCipher(SenderStore()).EncryptAsync(Ours, Text("one"), Ct);
        var second = await new GroupCipher(SenderStore()).EncryptAsync(Ours, Text("two"), Ct);
        var third = await new GroupCipher(SenderStore()).EncryptAsync(Ours, Text("three"), Ct);

        Assert.Equal(Text("three"), await new GroupCipher(MemberStore()).DecryptAsync(Ours, third, Ct));
        Assert.Equal(Text("one"), await new GroupCipher(MemberStore()).DecryptAsync(Ours, first, Ct));
        Assert.Equal(Text("two"), await new GroupCipher(MemberStore()).DecryptAsync(Ours, second, Ct));
        await Assert.ThrowsAsync<DuplicateSignalMessageException>(() => new GroupCipher(MemberStore()).DecryptAsync(Ours, second, Ct).AsTask());
        Assert.Equal([0u, 1u, 2u], new[] { first, second, third }.Select(m => SenderKeyMessage.Parse(m).Iteration));
    }

    [Fact]
    public async Task The_record_column_holds_ciphertext_only()
    {
        var store = new PostgresSenderKeyStore(database.DataSource, NewInstance(), database.DataProtection);
        await new GroupSessionBuilder(store).CreateAsync(Ours, Ct);
        var record = await store.LoadSenderKeyAsync(Ours, Ct);
        var state = record!.CurrentState!;

        await using var command = database.DataSource.CreateCommand("SELECT record, t::text FROM signal_sender_keys AS t WHERE instance_name = $1");
        command.Parameters.AddWithValue(store.InstanceName);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        var stored = reader.GetFieldValue<byte[]>(0);
        var row = reader.GetString(1);

        Assert.NotEqual(record.Serialize(), stored);
        foreach (var secret in new[] { state.ChainKey.Key.ToArray(), state.SigningKeyPair!.PrivateKey.ToArray() })
        {
            Assert.True(stored.AsSpan().IndexOf(secret) < 0, "a key is in the column in clear");
            foreach (var spelling in DatabaseDump.Spellings(secret))
                Assert.DoesNotContain(spelling, row);
        }
        // Another key ring cannot read it.
        var stranger = new PostgresSenderKeyStore(database.DataSource, store.InstanceName,
            new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider());
        await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() => stranger.LoadSenderKeyAsync(Ours, Ct).AsTask());
    }

    [Fact]
    public async Task Device_wipe_removes_the_sender_keys_of_that_instance_only()
    {
        var instance = NewInstance();
        var other = NewInstance();
        foreach (var name in new[] { instance, other })
        {
            await new GroupSessionBuilder(new PostgresSenderKeyStore(database.DataSource, name, database.DataProtection)).CreateAsync(Ours, Ct);
        }

        await new PostgresDeviceStore(database.DataSource, instance, database.DataProtection).WipeAsync(Ct);

        Assert.Null(await new PostgresSenderKeyStore(database.DataSource, instance, database.DataProtection).LoadSenderKeyAsync(Ours, Ct));
        Assert.NotNull(await new PostgresSenderKeyStore(database.DataSource, other, database.DataProtection).LoadSenderKeyAsync(Ours, Ct));
    }
}
