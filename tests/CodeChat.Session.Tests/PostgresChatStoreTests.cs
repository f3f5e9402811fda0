using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Storage;
using CodeChat.Testing;

namespace CodeChat.Session.Tests;

/// <summary>
/// What a message's sighting does to the chats and contacts tables: first sightings are new rows,
/// repeats change nothing, a new push name changes the contact, and a person first met by LID keeps
/// one row, renamed to the phone JID, once WhatsApp gives the number.
/// </summary>
public sealed class PostgresChatStoreTests(MigratedPostgresDatabaseFixture database) : IClassFixture<MigratedPostgresDatabaseFixture>
{
    private const string Pn = "5531912345678@s.whatsapp.net";
    private const string Lid = "123456789012345@lid";
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task First_sightings_are_new_repeats_change_nothing_and_a_new_push_name_changes_the_contact()
    {
        var store = new PostgresChatStore(database.DataSource);
        var instance = "chats-" + Guid.NewGuid().ToString("N")[..8];

        var first = await RecordAsync(store, instance, new ChatSighting(Pn, Lid, 100), new ContactSighting(Pn, Lid, "Ana"), T0);
        Assert.Equal(Pn, first.NewChat!.RemoteJid);
        Assert.Equal(Lid, first.NewChat.Lid);
        Assert.Equal(ChatKind.User, first.NewChat.Kind);
        Assert.Equal("Ana", first.NewContact!.PushName);
        Assert.Null(first.ChangedContact);

        var again = await RecordAsync(store, instance, new ChatSighting(Pn, null, 200), new ContactSighting(Pn, Lid, "Ana"), T0.AddSeconds(1));
        Assert.Equal(new ChatSightingOutcome(null, null, null), again);
        // A message without a push name keeps the known one.
        Assert.Equal(new ChatSightingOutcome(null, null, null),
            await RecordAsync(store, instance, new ChatSighting(Pn, null, 150), new ContactSighting(Pn, Lid, null), T0.AddSeconds(2)));

        var renamed = await RecordAsync(store, instance, new ChatSighting(Pn, null, 300), new ContactSighting(Pn, Lid, "Ana Maria"), T0.AddSeconds(3));
        Assert.Null(renamed.NewContact);
        Assert.Equal("Ana Maria", renamed.ChangedContact!.PushName);
        Assert.Equal(first.NewContact.Id, renamed.ChangedContact.Id);

        var chat = Assert.Single(await store.FindChatsAsync(instance, null, Ct));
        Assert.Equal(300, chat.LastMessageTimestamp);
        Assert.Equal(Lid, chat.Lid);
        Assert.Empty(await store.FindChatsAsync(instance, ChatKind.Group, Ct));
        Assert.Equal(chat.Id, (await store.FindChatAsync(instance, Lid, Ct))!.Id);
    }

    [Fact]
    public async Task A_person_first_met_by_LID_keeps_one_contact_row_named_by_the_phone_JID_once_known()
    {
        var store = new PostgresChatStore(database.DataSource);
        var instance = "chats-" + Guid.NewGuid().ToString("N")[..8];

        var byLid = await RecordAsync(store, instance, new ChatSighting(Lid, Lid, 100), new ContactSighting(null, Lid, "Ana"), T0);
        Assert.Equal(Lid, byLid.NewContact!.RemoteJid);

        var withPhone = await RecordAsync(store, instance, new ChatSighting(Pn, Lid, 200), new ContactSighting(Pn, Lid, "Ana"), T0.AddSeconds(1));
        Assert.Null(withPhone.NewContact);
        // The rename is a change of the contact (contacts.update with the phone JID as wuid).
        Assert.Equal(Pn, withPhone.ChangedContact!.RemoteJid);
        var contact = Assert.Single(await store.FindContactsAsync(instance, null, Ct));
        Assert.Equal(byLid.NewContact.Id, contact.Id);
        Assert.Equal(Pn, contact.RemoteJid);
        Assert.Equal(Lid, contact.Lid);
        Assert.Equal(contact.Id, Assert.Single(await store.FindContactsAsync(instance, Lid, Ct)).Id);
        // The chats stay as the messages are keyed: one under the LID, one under the phone JID.
        Assert.Equal(2, (await store.FindChatsAsync(instance, ChatKind.User, Ct)).Count);
    }

    private async Task<ChatSightingOutcome> RecordAsync(PostgresChatStore store, string instance, ChatSighting chat, ContactSighting sender, DateTimeOffset at)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        var outcome = await store.RecordAsync(connection, transaction, instance, chat, sender, at, Ct);
        await transaction.CommitAsync(Ct);
        return outcome;
    }
}
