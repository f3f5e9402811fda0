using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Testing;
using CodeChat.WaEmulator;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;
using Npgsql;

namespace CodeChat.Session.Tests;

/// <summary>
/// History sync after linking, through the real silo, PostgreSQL and the emulator: the linked phone
/// sends HISTORY_SYNC_NOTIFICATIONs (Signal-encrypted, from device 0) pointing at blobs Baileys 7's own
/// code built (tests/interop/history-blob.mjs), uploaded to the emulator's media host. The chunks'
/// chats, contacts, messages and LID pairs are stored, <c>chats.set</c> / <c>contacts.upsert</c> /
/// <c>messages.set</c> are recorded per chunk in that order, the phone gets <c>hist_sync</c> only once
/// the rows are there, a repeated chunk adds nothing, and a stranger's notification is ignored.
/// </summary>
public sealed class HistorySyncTests(PostgresServerFixture postgres, EmulatorFixture emulator, BaileysInteropPackages packages)
    : IClassFixture<EmulatorFixture>
{
    private static readonly TimeSpan Patience = SendingInstance.Patience;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Lazy<JsonElement[]> Chunks = new(() =>
        [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "history-sync-baileys.json")))
            .RootElement.GetProperty("chunks").EnumerateArray()]);

    [Fact]
    public async Task The_phones_history_is_stored_with_its_events_before_hist_sync_and_only_once()
    {
        Assert.NotNull(packages);
        await using var instance = await SendingInstance.StartAsync(postgres, emulator.Server);
        var server = emulator.Server.Emulator;
        var (bootstrap, recent, pushNames) = (Chunks.Value[0], Chunks.Value[1], Chunks.Value[2]);

        // A stranger's phone sends the RECENT chunk: our client must not take it.
        var stranger = server.CreateAccount(pushName: "Mallory");
        var strangerId = server.SendFromPhone(instance.Device, Notification(server, recent), stranger);
        await WaitUntilAsync(() => server.Journal.Any(s => s.Tag == "receipt" && s.Id == strangerId && s.Direction == WaEmulator.Protocol.StanzaDirection.FromClient));

        // INITIAL_BOOTSTRAP: chats, contacts and messages arrive; hist_sync only after they are stored.
        var bootstrapId = await SendAndWaitForHistSyncAsync(instance, server, bootstrap);
        var atReceipt = await instance.PostAsync("/chat/findMessages", new { offset = 100 });
        Assert.Equal(7, atReceipt.Body.GetProperty("messages").GetProperty("total").GetInt64());

        var events = await instance.Host.EventsAsync(instance.Name);
        var chatsSet = Assert.Single(events, e => e.Event == InstanceEventNames.ChatsSet);
        var contactsUpsert = Assert.Single(events, e => e.Event == InstanceEventNames.ContactsUpsert);
        var messagesSet = Assert.Single(events, e => e.Event == InstanceEventNames.MessagesSet);
        Assert.True(chatsSet.Sequence < contactsUpsert.Sequence && contactsUpsert.Sequence < messagesSet.Sequence);
        var chats = Items(chatsSet);
        Assert.Equal(["5531911110001@s.whatsapp.net", "5531911110002@s.whatsapp.net", "120363000000000001@g.us"],
            chats.Select(c => c.GetProperty("remoteJid").GetString()));
        // Bruno's chat came named by his LID: stored under his phone JID, the LID beside it
        Assert.Equal("100000000000002@lid", chats[1].GetProperty("lid").GetString());
        Assert.Equal("Bruno", chats[1].GetProperty("name").GetString());
        Assert.Equal(2, chats[0].GetProperty("unreadCount").GetInt32());
        Assert.Equal("Family", chats[2].GetProperty("name").GetString());
        Assert.Equal("group", chats[2].GetProperty("type").GetString());
        var contacts = Items(contactsUpsert);
        Assert.Contains(contacts, c => c.GetProperty("wuid").GetString() == "5531911110001@s.whatsapp.net"
            && c.GetProperty("wuidLid").GetString() == "100000000000001@lid" && c.GetProperty("contactName").GetString() == "Ana");
        Assert.Contains(contacts, c => c.GetProperty("wuid").GetString() == "5531911110003@s.whatsapp.net" && c.GetProperty("contactName").GetString() == "Carla");
        var messages = Items(messagesSet);
        Assert.Equal(7, messages.Count);
        var image = Assert.Single(messages, m => m.GetProperty("body").GetProperty("messageType").GetString() == "imageMessage");
        Assert.Equal("5531911110002@s.whatsapp.net", image.GetProperty("header").GetProperty("wuid").GetString());
        Assert.Contains(messages, m => m.GetProperty("body").GetProperty("message").GetRawText().Contains("welcome!", StringComparison.Ordinal)
            && m.GetProperty("context").GetProperty("fromGroup").GetBoolean());

        // the find routes answer from what was stored
        var (_, foundChats) = await instance.RequestAsync(HttpMethod.Get, "/chat/findChats");
        Assert.Equal(3, foundChats.GetArrayLength());
        var brunoMessages = (await instance.PostAsync("/chat/findMessages", new { where = new { keyRemoteJid = "100000000000002@lid" } })).Body.GetProperty("messages");
        Assert.Equal(2, brunoMessages.GetProperty("total").GetInt64());
        var group = (await instance.PostAsync("/chat/findMessages", new { where = new { keyRemoteJid = "120363000000000001@g.us" } })).Body.GetProperty("messages");
        Assert.Equal(2, group.GetProperty("total").GetInt64());
        // LID pairs went to the device store
        Assert.Equal("5531911110003@s.whatsapp.net", await ScalarAsync(instance, "SELECT phone_number FROM device_lid_mappings WHERE instance_name = $1 AND lid = '100000000000003@lid'"));
        // Ana's pair in the chunk gives our own LID (the emulator's first account's) to her number: it
        // is ignored, or our phone's next message would be looked up under our bare number and lost.
        Assert.Equal("100000000000001@lid", instance.Account.LidJid);
        Assert.Equal(instance.Account.LidJid, await ScalarAsync(instance, $"SELECT lid FROM device_lid_mappings WHERE instance_name = $1 AND phone_number = '{instance.Account.PnJid}'"));

        // The stranger's RECENT chunk left nothing: Carla's 1:1 chat is not there.
        Assert.Equal(0, (await instance.PostAsync("/chat/findMessages", new { where = new { keyRemoteJid = "5531911110003@s.whatsapp.net" } })).Body
            .GetProperty("messages").GetProperty("total").GetInt64());
        Assert.DoesNotContain(instance.Account.PrimaryPhone.ReceiptsFromCompanions, r => r.Id == strangerId);

        // RECENT then PUSH_NAME from our phone: a new chat, then the names.
        await SendAndWaitForHistSyncAsync(instance, server, recent);
        await SendAndWaitForHistSyncAsync(instance, server, pushNames);
        events = await instance.Host.EventsAsync(instance.Name);
        Assert.Equal(2, events.Count(e => e.Event == InstanceEventNames.ChatsSet));
        Assert.Equal(2, events.Count(e => e.Event == InstanceEventNames.MessagesSet));
        var named = Items(events.Last(e => e.Event == InstanceEventNames.ContactsUpsert));
        Assert.Contains(named, c => c.GetProperty("wuid").GetString() == "5531911110001@s.whatsapp.net" && c.GetProperty("contactName").GetString() == "Ana Souza");
        Assert.Contains(named, c => c.GetProperty("wuid").GetString() == "5531911110004@s.whatsapp.net" && c.GetProperty("contactName").GetString() == "Diego");
        var (_, allContacts) = await instance.PostAsync("/chat/findContacts", new { });
        Assert.Contains(allContacts.EnumerateArray(), c => c.GetProperty("remoteJid").GetString() == "5531911110001@s.whatsapp.net" && c.GetProperty("pushName").GetString() == "Ana Souza");

        // The phone sends INITIAL_BOOTSTRAP again: confirmed, nothing stored twice, no new event.
        var before = (await instance.Host.EventsAsync(instance.Name)).Count;
        var repeatId = await SendAndWaitForHistSyncAsync(instance, server, bootstrap);
        Assert.NotEqual(bootstrapId, repeatId);
        Assert.Equal(8, (await instance.PostAsync("/chat/findMessages", new { offset = 100 })).Body.GetProperty("messages").GetProperty("total").GetInt64());
        Assert.Equal(before, (await instance.Host.EventsAsync(instance.Name)).Count);
    }

    private static async Task<string> SendAndWaitForHistSyncAsync(SendingInstance instance, Emulator server, JsonElement chunk)
    {
        var id = server.SendFromPhone(instance.Device, Notification(server, chunk));
        var phone = instance.Account.PrimaryPhone;
        await WaitUntilAsync(() => phone.ReceiptsFromCompanions.Any(r => r.Id == id && r.Type == "hist_sync"));
        return id;
    }

    /// <summary>The blob goes to the media host as the phone would upload it; the notification names it.</summary>
    private static Message Notification(Emulator server, JsonElement chunk)
    {
        var stored = server.Media.Store("md-msg-hist", Bytes(chunk, "encrypted"));
        return new Message
        {
            ProtocolMessage = new ProtocolMessage
            {
                Type = ProtocolMessage.Types.Type.HistorySyncNotification,
                HistorySyncNotification = new HistorySyncNotification
                {
                    FileSHA256 = ByteString.CopyFrom(Bytes(chunk, "fileSha256")),
                    FileEncSHA256 = ByteString.CopyFrom(Bytes(chunk, "fileEncSha256")),
                    MediaKey = ByteString.CopyFrom(Bytes(chunk, "mediaKey")),
                    FileLength = chunk.GetProperty("fileLength").GetUInt64(),
                    DirectPath = stored.DirectPath,
                    SyncType = (HistorySyncType)chunk.GetProperty("syncType").GetInt32(),
                    ChunkOrder = chunk.GetProperty("chunkOrder").GetUInt32(),
                    Progress = chunk.GetProperty("progress").GetUInt32(),
                },
            },
        };
    }

    private static byte[] Bytes(JsonElement chunk, string name) => Convert.FromBase64String(chunk.GetProperty(name).GetString()!);

    private static List<JsonElement> Items(InstanceEventRecord record) =>
        [.. JsonDocument.Parse(record.DataJson).RootElement.EnumerateArray().Select(e => e.Clone())];

    private static async Task<string?> ScalarAsync(SendingInstance instance, string sql)
    {
        await using var connection = new NpgsqlConnection(instance.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(instance.Name);
        return await command.ExecuteScalarAsync(Ct) as string;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50, Ct);
        }
    }
}
