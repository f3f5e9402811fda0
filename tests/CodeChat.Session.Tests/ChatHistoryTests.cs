using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Testing;

namespace CodeChat.Session.Tests;

/// <summary>
/// Chats and contacts through the real silo, PostgreSQL, the emulator and Baileys 7 peers: messages
/// in new chats raise <c>chats.upsert</c>, new senders <c>contacts.upsert</c>, a changed push name
/// <c>contacts.update</c>, each recorded before the message's own event; and the find routes and
/// deleteChat answer from what was stored.
/// </summary>
public sealed class ChatHistoryTests(PostgresServerFixture postgres, EmulatorFixture emulator, BaileysInteropPackages packages)
    : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Messages_raise_chat_and_contact_events_and_the_find_routes_return_what_was_stored()
    {
        Assert.NotNull(packages);
        await using var instance = await SendingInstance.StartAsync(postgres, emulator.Server);
        var (bob, bobAccount) = await instance.AddPeerAsync("Bob");

        // Bob writes: his chat and he himself are new, and both events come before the message's.
        var firstId = await BobSaysAsync(instance, bob, "hello there");
        var events = await instance.Host.EventsAsync(instance.Name);
        var chatEvent = Assert.Single(events, e => e.Event == InstanceEventNames.ChatsUpsert);
        var contactEvent = Assert.Single(events, e => e.Event == InstanceEventNames.ContactsUpsert);
        var messageEvent = events.Single(e => e.Event == InstanceEventNames.NewMessage && e.DataJson.Contains(firstId, StringComparison.Ordinal));
        Assert.True(chatEvent.Sequence < contactEvent.Sequence && contactEvent.Sequence < messageEvent.Sequence);
        var chat = Assert.Single(JsonDocument.Parse(chatEvent.DataJson).RootElement.EnumerateArray());
        Assert.Equal(bobAccount.PnJid, chat.GetProperty("remoteJid").GetString());
        Assert.Equal(bobAccount.LidJid, chat.GetProperty("lid").GetString());
        Assert.Equal("user", chat.GetProperty("type").GetString());
        var contact = Assert.Single(JsonDocument.Parse(contactEvent.DataJson).RootElement.EnumerateArray());
        Assert.Equal(bobAccount.PnJid, contact.GetProperty("wuid").GetString());
        Assert.Equal(bobAccount.LidJid, contact.GetProperty("wuidLid").GetString());
        Assert.Equal(bobAccount.Phone, contact.GetProperty("phoneNumber").GetString());
        Assert.Equal("Bob", contact.GetProperty("contactName").GetString());
        Assert.Equal(instance.Name, contact.GetProperty("instanceName").GetString());

        // A known chat and sender with the same name: nothing new.
        await BobSaysAsync(instance, bob, "second");
        // Bob renames himself on his phone: his next message carries the new push name.
        bobAccount.PushName = "Bobby";
        await BobSaysAsync(instance, bob, "third, as Bobby");
        var renamed = await instance.WaitForEventAsync(InstanceEventNames.ContactsUpdate, _ => true);
        Assert.Equal("Bobby", renamed[0].GetProperty("contactName").GetString());
        Assert.Equal(bobAccount.PnJid, renamed[0].GetProperty("wuid").GetString());
        events = await instance.Host.EventsAsync(instance.Name);
        Assert.Single(events, e => e.Event == InstanceEventNames.ChatsUpsert);
        Assert.Single(events, e => e.Event == InstanceEventNames.ContactsUpsert);
        Assert.Single(events, e => e.Event == InstanceEventNames.ContactsUpdate);

        // We write to Bob (his chat exists) and to Carol (a new chat, from the send path).
        var (_, carolAccount) = await instance.AddPeerAsync("Carol");
        Assert.Equal(201, (await instance.SendTextAsync(bobAccount.Phone, "hi Bob")).Status);
        Assert.Equal(201, (await instance.SendTextAsync(carolAccount.Phone, "hi Carol")).Status);
        var carolChat = await instance.WaitForEventAsync(InstanceEventNames.ChatsUpsert, e => e[0].GetProperty("remoteJid").GetString() == carolAccount.PnJid);
        Assert.Equal("user", carolChat[0].GetProperty("type").GetString());

        // findChats: newest conversation first; the type filter tells people from groups.
        var (status, chats) = await GetAsync(instance, "/chat/findChats");
        Assert.Equal(200, status);
        Assert.Equal([carolAccount.PnJid, bobAccount.PnJid], [.. chats.EnumerateArray().Select(c => c.GetProperty("remoteJid").GetString())]);
        Assert.Equal(2, (await GetAsync(instance, "/chat/findChats", "?type=chats")).Body.GetArrayLength());
        Assert.Equal(0, (await GetAsync(instance, "/chat/findChats", "?type=group")).Body.GetArrayLength());
        Assert.Equal(400, (await GetAsync(instance, "/chat/findChats", "?type=everything")).Status);

        // Swagger's findChats example shows every field a real row has, so the two cannot drift apart.
        using (var swagger = JsonDocument.Parse(await instance.Host.Http.GetStringAsync("/docs/v1/swagger.json", Ct)))
        {
            var example = swagger.RootElement.GetProperty("paths").GetProperty("/chat/findChats/{instanceName}").GetProperty("get")
                .GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("example");
            var exampleFields = example[0].EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            Assert.All(chats.EnumerateArray().SelectMany(c => c.EnumerateObject()), field => Assert.Contains(field.Name, exampleFields));
        }

        // findContacts: Bob, by phone JID or by LID, with his current name; Carol never wrote, so she is no contact.
        var (contactsStatus, contacts) = await instance.PostAsync("/chat/findContacts", new { });
        Assert.Equal(200, contactsStatus);
        var bobRow = Assert.Single(contacts.EnumerateArray());
        Assert.Equal(bobAccount.PnJid, bobRow.GetProperty("remoteJid").GetString());
        Assert.Equal("Bobby", bobRow.GetProperty("pushName").GetString());
        var byLid = (await instance.PostAsync("/chat/findContacts", new { where = new { remoteJid = bobAccount.LidJid } })).Body;
        Assert.Equal(bobRow.GetProperty("id").GetInt64(), Assert.Single(byLid.EnumerateArray()).GetProperty("id").GetInt64());
        Assert.Equal(0, (await instance.PostAsync("/chat/findContacts", new { where = new { remoteJid = carolAccount.PnJid } })).Body.GetArrayLength());

        // findMessages: Bob's chat holds 4 messages; pages of 3, newest first, each with its status history.
        var (pageStatus, page) = await instance.PostAsync("/chat/findMessages", new { where = new { keyRemoteJid = bobAccount.PnJid }, offset = 3, page = 1 });
        Assert.Equal(200, pageStatus);
        var messages = page.GetProperty("messages");
        Assert.Equal(4, messages.GetProperty("total").GetInt64());
        Assert.Equal(2, messages.GetProperty("pages").GetInt32());
        Assert.Equal(1, messages.GetProperty("currentPage").GetInt32());
        var records = messages.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(3, records.Count);
        Assert.True(records[0].GetProperty("keyFromMe").GetBoolean());
        Assert.Contains("third, as Bobby", records[1].GetProperty("content").GetRawText(), StringComparison.Ordinal);
        Assert.Equal(bobAccount.LidJid, records[1].GetProperty("keyLid").GetString());
        Assert.Equal("DELIVERY_ACK", records[1].GetProperty("MessageUpdate")[0].GetProperty("status").GetString());
        var ours = records[0].GetProperty("MessageUpdate").EnumerateArray().Select(u => u.GetProperty("status").GetString()).ToList();
        Assert.Equal("PENDING", ours[0]);
        // Then the server's ack, unless Bob's delivery receipt overtook it: a status never moves back,
        // so SERVER_ACK is not recorded after DELIVERY_ACK (InstanceGrain.Send). Either way it moved on.
        Assert.Contains(ours.Skip(1), status => status is "SERVER_ACK" or "DELIVERY_ACK" or "READ");
        var second = (await instance.PostAsync("/chat/findMessages", new { where = new { keyRemoteJid = bobAccount.LidJid }, offset = 3, page = 2 })).Body.GetProperty("messages");
        Assert.Equal(firstId, Assert.Single(second.GetProperty("records").EnumerateArray()).GetProperty("keyId").GetString());
        // Filters: ours only; any message that was ever PENDING (only what we sent); by WhatsApp id.
        Assert.Equal(2, (await instance.PostAsync("/chat/findMessages", new { where = new { keyFromMe = true } })).Body.GetProperty("messages").GetProperty("total").GetInt64());
        Assert.Equal(2, (await instance.PostAsync("/chat/findMessages", new { where = new { messageStatus = "PENDING" } })).Body.GetProperty("messages").GetProperty("total").GetInt64());
        Assert.Equal(firstId, (await instance.PostAsync("/chat/findMessages", new { where = new { keyId = firstId } })).Body
            .GetProperty("messages").GetProperty("records")[0].GetProperty("keyId").GetString());
        var (badStatus, bad) = await instance.PostAsync("/chat/findMessages", new { offset = "many" });
        Assert.Equal(400, badStatus);
        Assert.Contains("offset", bad.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(400, (await instance.PostAsync("/chat/findMessages", new { where = new { messageStatus = "SEEN" } })).Status);

        // deleteChat: Carol's chat and its message go; asking again finds nothing.
        using (var deleted = await instance.Host.Http.DeleteAsync($"/chat/deleteChat/{instance.Name}?chatId={carolAccount.Phone}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            var body = await deleted.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(carolAccount.PnJid, body.GetProperty("chatId").GetString());
            Assert.True(body.TryGetProperty("deletedAt", out _));
        }
        Assert.Equal([bobAccount.PnJid], (await GetAsync(instance, "/chat/findChats")).Body.EnumerateArray().Select(c => c.GetProperty("remoteJid").GetString()));
        Assert.Equal(0, (await instance.PostAsync("/chat/findMessages", new { where = new { keyRemoteJid = carolAccount.PnJid } })).Body
            .GetProperty("messages").GetProperty("total").GetInt64());
        using (var again = await instance.Host.Http.DeleteAsync($"/chat/deleteChat/{instance.Name}?chatId={carolAccount.PnJid}", Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
            Assert.Contains("Chat not found", await again.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        using (var missing = await instance.Host.Http.DeleteAsync($"/chat/deleteChat/{instance.Name}", Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.Contains("chatId is required", await missing.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_find_routes_answer_404_for_a_missing_instance_and_401_for_a_wrong_key()
    {
        var connectionString = await postgres.CreateDatabaseAsync(Ct);
        await using var host = new SessionHost(connectionString, emulator.Server);
        var missing = "no-such-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(404, (await host.GetAsync($"/chat/findChats/{missing}")).Status);
        Assert.Equal(404, (int)(await host.Http.PostAsJsonAsync($"/chat/findMessages/{missing}", new { }, Ct)).StatusCode);
        Assert.Equal(404, (int)(await host.Http.PostAsJsonAsync($"/chat/findContacts/{missing}", new { }, Ct)).StatusCode);
        Assert.Equal(404, (int)(await host.Http.DeleteAsync($"/chat/deleteChat/{missing}?chatId=5511999990000", Ct)).StatusCode);

        var name = "empty-" + Guid.NewGuid().ToString("N")[..6];
        await host.CreateInstanceAsync(name);
        var (status, empty) = await host.GetAsync($"/chat/findChats/{name}");
        Assert.Equal(200, status);
        Assert.Equal(0, empty.GetArrayLength());
        using var stranger = host.CreateClient();
        stranger.DefaultRequestHeaders.Add("apikey", "not-the-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync($"/chat/findChats/{name}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.PostAsJsonAsync($"/chat/findMessages/{name}", new { }, Ct)).StatusCode);
    }

    private static async Task<string> BobSaysAsync(SendingInstance instance, BaileysPeer bob, string text)
    {
        var sent = await bob.CommandAsync("send", new { to = instance.Account.PnJid, text }, cancellationToken: Ct);
        var messageId = sent["messageId"]!.GetValue<string>();
        await instance.WaitForEventAsync(InstanceEventNames.NewMessage, e => e.GetProperty("header").GetProperty("messageId").GetString() == messageId);
        return messageId;
    }

    private static Task<(int Status, JsonElement Body)> GetAsync(SendingInstance instance, string route, string query = "") =>
        instance.Host.GetAsync($"{route}/{Uri.EscapeDataString(instance.Name)}{query}");
}
