using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Messages;
using CodeChat.Grains.Storage;
using CodeChat.Testing;

namespace CodeChat.Session.Tests;

public sealed class PostgresMessageStoreTests(MigratedPostgresDatabaseFixture database) : IClassFixture<MigratedPostgresDatabaseFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewInstance() => "messages-" + Guid.NewGuid().ToString("N")[..12];

    private static NewMessage Message(string id, bool fromMe = false, MessageStatus status = MessageStatus.DeliveryAck, string chat = "5511999990000@s.whatsapp.net") => new(
        new MessageKey(chat, id, fromMe),
        Participant: null,
        SenderPn: "5511999990000@s.whatsapp.net",
        SenderLid: "123456789012345@lid",
        PushName: "Ana",
        MessageType: "conversation",
        ContentJson: """{"conversation":"olá, 👋"}""",
        MessageTimestamp: 1_764_763_200,
        Device: "android",
        Status: status);

    [Fact]
    public async Task A_message_is_stored_once_per_key_and_a_redelivery_finds_the_first_row()
    {
        var store = new PostgresMessageStore(database.DataSource);
        var instance = NewInstance();

        var first = await store.SaveAsync(instance, Message("3EB0A1"), T0, Ct);
        Assert.True(first.Created);
        Assert.True(first.Message.Id > 0);
        Assert.Equal("""{"conversation":"olá, 👋"}""", first.Message.ContentJson);
        Assert.Equal("123456789012345@lid", first.Message.SenderLid);
        Assert.Equal(MessageStatus.DeliveryAck, first.Message.Status);

        // WhatsApp redelivers when our receipt was lost: same row, same CodeChat id, no second update.
        var again = await store.SaveAsync(instance, Message("3EB0A1") with { ContentJson = """{"conversation":"changed"}""" }, T0.AddSeconds(5), Ct);
        Assert.False(again.Created);
        Assert.Equal(first.Message, again.Message);
        Assert.Single(await store.StatusHistoryAsync(instance, first.Message.Id, Ct));

        // Same id but sent by us, or in another chat, or in another instance: other messages.
        var ours = await store.SaveAsync(instance, Message("3EB0A1", fromMe: true), T0, Ct);
        Assert.True(ours.Created);
        Assert.True((await store.SaveAsync(instance, Message("3EB0A1", chat: "120363000000000001@g.us"), T0, Ct)).Created);
        var elsewhere = await store.SaveAsync(NewInstance(), Message("3EB0A1"), T0, Ct);
        Assert.True(elsewhere.Created);
        Assert.Null(await store.FindAsync(instance, elsewhere.Message.Id, Ct));
        Assert.Equal(first.Message, await store.FindAsync(instance, first.Message.Id, Ct));
        // By WhatsApp id within a chat: the newest message that has it.
        Assert.Equal(ours.Message.Id, (await store.FindByMessageIdAsync(instance, "3EB0A1", "5511999990000@s.whatsapp.net", Ct))!.Id);
        Assert.Equal("120363000000000001@g.us", (await store.FindByMessageIdAsync(instance, "3EB0A1", "120363000000000001@g.us", Ct))!.Key.RemoteJid);
        Assert.Null(await store.FindByMessageIdAsync(instance, "unknown", null, Ct));
    }

    [Fact]
    public async Task Receipts_only_move_a_message_forward_and_each_change_is_kept()
    {
        var store = new PostgresMessageStore(database.DataSource);
        var instance = NewInstance();
        var sent = (await store.SaveAsync(instance, Message("3EB0B2", fromMe: true, status: MessageStatus.Pending), T0, Ct)).Message;

        var acked = await store.UpdateStatusAsync(instance, sent.Key, MessageStatus.ServerAck, T0.AddSeconds(1), Ct);
        Assert.Equal(new MessageStatusChange(sent.Id, MessageStatus.Pending, MessageStatus.ServerAck, true), acked);
        var read = await store.UpdateStatusAsync(instance, sent.Key, MessageStatus.Read, T0.AddSeconds(3), Ct);
        Assert.True(read!.Advanced);
        // The delivery receipt arrives after the read one, then the read one again: nothing moves.
        var late = await store.UpdateStatusAsync(instance, sent.Key, MessageStatus.DeliveryAck, T0.AddSeconds(4), Ct);
        Assert.Equal(new MessageStatusChange(sent.Id, MessageStatus.Read, MessageStatus.Read, false), late);
        Assert.False((await store.UpdateStatusAsync(instance, sent.Key, MessageStatus.Read, T0.AddSeconds(5), Ct))!.Advanced);

        Assert.Equal(MessageStatus.Read, (await store.FindAsync(instance, sent.Id, Ct))!.Status);
        Assert.Equal(
            [(MessageStatus.Pending, T0), (MessageStatus.ServerAck, T0.AddSeconds(1)), (MessageStatus.Read, T0.AddSeconds(3))],
            await store.StatusHistoryAsync(instance, sent.Id, Ct));
        Assert.Null(await store.UpdateStatusAsync(instance, sent.Key with { Id = "nope" }, MessageStatus.Read, T0, Ct));
    }

    [Theory]
    [InlineData(MessageStatus.Pending, MessageStatus.ServerAck, true)]
    [InlineData(MessageStatus.ServerAck, MessageStatus.DeliveryAck, true)]
    [InlineData(MessageStatus.DeliveryAck, MessageStatus.Read, true)]
    [InlineData(MessageStatus.Read, MessageStatus.Played, true)]
    [InlineData(MessageStatus.Pending, MessageStatus.Read, true)]
    [InlineData(MessageStatus.Read, MessageStatus.DeliveryAck, false)]
    [InlineData(MessageStatus.Played, MessageStatus.Read, false)]
    [InlineData(MessageStatus.Read, MessageStatus.Read, false)]
    [InlineData(MessageStatus.ServerAck, MessageStatus.Pending, false)]
    [InlineData(MessageStatus.Error, MessageStatus.Pending, false)]
    [InlineData(MessageStatus.Pending, MessageStatus.Error, true)]
    [InlineData(MessageStatus.ServerAck, MessageStatus.Error, true)]
    [InlineData(MessageStatus.DeliveryAck, MessageStatus.Error, false)]
    [InlineData(MessageStatus.Error, MessageStatus.Error, false)]
    [InlineData(MessageStatus.Error, MessageStatus.DeliveryAck, true)]
    [InlineData(MessageStatus.Error, MessageStatus.ServerAck, true)]
    public void Status_transitions(MessageStatus current, MessageStatus next, bool advances) =>
        Assert.Equal(advances, MessageStatusTransition.Advances(current, next));
}
