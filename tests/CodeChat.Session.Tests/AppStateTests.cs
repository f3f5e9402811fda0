using System.Text.Json;
using System.Text.Json.Nodes;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Testing;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;
using static CodeChat.Session.Tests.AppStateTestSupport;

namespace CodeChat.Session.Tests;

/// <summary>
/// App state (syncd) through the real silo, PostgreSQL and the emulator, with the phone's patches built
/// by Baileys 7's own encodeSyncdPatch (tests/interop/appstate-peer.mjs), so our codec meets an
/// independent one: the phone shares its app-state key, archives a chat and renames a contact →
/// <c>chats.update</c> / <c>contacts.update</c> and the rows change; our archiveChat reaches the
/// emulator's collection, where Baileys decodes and verifies it; a patch with a wrong MAC is refused;
/// the versions survive a restart.
/// </summary>
public sealed class AppStateTests(PostgresServerFixture postgres, EmulatorFixture emulator, BaileysInteropPackages packages)
    : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Phone_patches_built_by_Baileys_update_chats_and_contacts_and_our_archive_reaches_the_phone()
    {
        Assert.NotNull(packages);
        await using var scene = await AppStateScene.StartAsync(postgres, emulator);
        var (instance, phone, bobAccount, bobMessageId) = (scene.Instance, scene.Phone, scene.Bob, scene.BobMessageId);

        // Our phone shares its app-state key with the new companion, as WhatsApp's phone does after linking.
        var (keyId, _) = await scene.ShareNewKeyAsync();

        // The phone archives Bob's chat.
        await PushFromPhoneAsync(instance, phone, RegularLow, keyId, ["archive", bobAccount.PnJid],
            new JsonObject { ["timestamp"] = 1_700_000_000_000, ["archiveChatAction"] = new JsonObject { ["archived"] = true } }, 3);
        var archived = await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bobAccount.PnJid, "archived", true));
        Assert.Equal(bobAccount.LidJid, archived[0].GetProperty("lid").GetString());
        Assert.True((await ChatRowAsync(instance, bobAccount.PnJid)).GetProperty("archived").GetBoolean());

        // The phone's address book renames Bob.
        await PushFromPhoneAsync(instance, phone, CriticalUnblockLow, keyId, ["contact", bobAccount.PnJid],
            new JsonObject { ["contactAction"] = new JsonObject { ["fullName"] = "Robert (work)", ["firstName"] = "Robert" } }, 2);
        var renamed = await instance.WaitForEventAsync(InstanceEventNames.ContactsUpdate,
            e => e[0].GetProperty("contactName").GetString() == "Robert (work)");
        Assert.Equal(bobAccount.PnJid, renamed[0].GetProperty("wuid").GetString());
        var contacts = (await instance.PostAsync("/chat/findContacts", new { where = new { remoteJid = bobAccount.PnJid } })).Body;
        Assert.Equal("Robert (work)", Assert.Single(contacts.EnumerateArray()).GetProperty("name").GetString());

        // We unarchive through the API: the patch lands in the emulator's collection, and Baileys (the
        // phone's codec) decodes and verifies it on top of its own.
        var (status, body) = await instance.RequestAsync(HttpMethod.Put, "/chat/archiveChat", body: new
        {
            lastMessage = new { key = new { id = bobMessageId, fromMe = false, remoteJid = bobAccount.PnJid } },
            archive = false,
        });
        Assert.Equal(200, status);
        Assert.Equal(bobAccount.PnJid, body.GetProperty("chatId").GetString());
        Assert.False(body.GetProperty("archived").GetBoolean());
        var ours = instance.Account.AppState.PatchesAfter(RegularLow, 1);
        var mutation = Assert.Single(await phone.DecodeAsync(RegularLow, Assert.Single(ours), Ct));
        Assert.Equal(["archive", bobAccount.PnJid], mutation.Index);
        var action = mutation.Action!["archiveChatAction"]!.AsObject();
        Assert.NotEqual(true, action["archived"]?.GetValue<bool>());
        Assert.Equal(bobMessageId, action["messageRange"]!["messages"]![0]!["key"]!["id"]!.GetValue<string>());
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bobAccount.PnJid, "archived", false));
        Assert.False((await ChatRowAsync(instance, bobAccount.PnJid)).GetProperty("archived").GetBoolean());

        // A patch whose MAC was tampered with is refused, nothing of it applied; the collection stays where it was.
        var tampered = await phone.EncodeAsync(RegularHigh, keyId, ["mute", bobAccount.PnJid],
            new JsonObject { ["timestamp"] = 1_700_000_000_000, ["muteAction"] = new JsonObject { ["muted"] = true, ["muteEndTimestamp"] = 1_900_000_000_000 } }, 2, false, Ct);
        var patch = SyncdPatch.Parser.ParseFrom(tampered);
        var mac = patch.PatchMAC.ToByteArray();
        mac[0] ^= 0x01;
        patch.PatchMAC = ByteString.CopyFrom(mac);
        emulator.Emulator.PushAppStatePatchFromPhone(instance.Account, RegularHigh, patch.ToByteArray());
        // The sync of regular_high was asked before this one, on the same worker: once the pin is applied, the mute was looked at.
        await PushFromPhoneAsync(instance, phone, RegularLow, keyId, ["pin_v1", bobAccount.PnJid],
            new JsonObject { ["timestamp"] = 1_700_000_100_000, ["pinAction"] = new JsonObject { ["pinned"] = true } }, 5);
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bobAccount.PnJid, "pinned", 1_700_000_100_000L));
        var events = await instance.Host.EventsAsync(instance.Name);
        Assert.DoesNotContain(events, e => e.Event == InstanceEventNames.ChatsUpdate && e.DataJson.Contains("muteEndTime", StringComparison.Ordinal));
        Assert.False((await ChatRowAsync(instance, bobAccount.PnJid)).TryGetProperty("muteEndTime", out _));
        var versions = await VersionsAsync(instance);
        Assert.False(versions.ContainsKey(RegularHigh));
        Assert.Equal(3L, versions[RegularLow]);
        Assert.Equal(1L, versions[CriticalUnblockLow]);

        // The versions survive a restart: the next sync asks from them, so nothing is applied twice.
        var updatesBefore = events.Count(e => e.Event == InstanceEventNames.ChatsUpdate);
        await instance.RestartAsync();
        await PushFromPhoneAsync(instance, phone, RegularLow, keyId, ["archive", bobAccount.PnJid],
            new JsonObject { ["timestamp"] = 1_700_000_200_000, ["archiveChatAction"] = new JsonObject { ["archived"] = true } }, 3);
        await WaitUntilAsync(async () => (await instance.Host.EventsAsync(instance.Name)).Count(e => e.Event == InstanceEventNames.ChatsUpdate) > updatesBefore);
        var updates = (await instance.Host.EventsAsync(instance.Name)).Where(e => e.Event == InstanceEventNames.ChatsUpdate).ToList();
        Assert.Equal(updatesBefore + 1, updates.Count);
        using (var last = JsonDocument.Parse(updates[^1].DataJson))
            Assert.True(IsChange(last.RootElement, bobAccount.PnJid, "archived", true));
        Assert.Equal(4L, (await VersionsAsync(instance))[RegularLow]);
    }

    [Fact]
    public async Task ArchiveChat_names_the_bad_field_answers_404_for_a_missing_instance_and_401_for_a_wrong_key()
    {
        var connectionString = await postgres.CreateDatabaseAsync(Ct);
        await using var host = new SessionHost(connectionString, emulator.Server);
        var name = "archive-" + Guid.NewGuid().ToString("N")[..6];
        await host.CreateInstanceAsync(name);
        var valid = new { lastMessage = new { key = new { id = "3EB0AA", fromMe = false, remoteJid = "5531912345678@s.whatsapp.net" } }, archive = true };

        async Task<(int Status, string Body)> PutAsync(string instanceName, object body, HttpClient? client = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/chat/archiveChat/{Uri.EscapeDataString(instanceName)}") { Content = System.Net.Http.Json.JsonContent.Create(body) };
            using var response = await (client ?? host.Http).SendAsync(request, Ct);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        }

        var (status, text) = await PutAsync(name, new { lastMessage = valid.lastMessage });
        Assert.Equal(400, status);
        Assert.Contains("archive", text, StringComparison.Ordinal);
        (status, text) = await PutAsync(name, new { lastMessage = new { key = new { id = "3EB0AA", fromMe = false } }, archive = true });
        Assert.Equal(400, status);
        Assert.Contains("lastMessage.key.remoteJid", text, StringComparison.Ordinal);
        (status, text) = await PutAsync(name, new { lastMessage = new { key = valid.lastMessage.key, messageTimestamp = "yesterday" }, archive = true });
        Assert.Equal(400, status);
        Assert.Contains("lastMessage.messageTimestamp", text, StringComparison.Ordinal);
        // Not connected: nothing can be sent.
        Assert.Equal(400, (await PutAsync(name, valid)).Status);
        Assert.Equal(404, (await PutAsync("no-such-" + Guid.NewGuid().ToString("N")[..6], valid)).Status);
        using var stranger = host.CreateClient();
        stranger.DefaultRequestHeaders.Add("apikey", "wrong-key");
        Assert.Equal(401, (await PutAsync(name, valid, stranger)).Status);
    }

    [Fact]
    public async Task A_deleteChat_from_the_phone_deletes_only_the_messages_its_range_covers_and_keeps_a_chat_with_newer_ones()
    {
        Assert.NotNull(packages);
        await using var scene = await AppStateScene.StartAsync(postgres, emulator);
        var (instance, phone, bob) = (scene.Instance, scene.Phone, scene.Bob.PnJid);
        var (keyId, _) = await scene.ShareNewKeyAsync();
        var helloAt = (await MessagesOfAsync(instance, bob)).Single().Timestamp;

        // Bob writes again once the clock has moved past his "hello" (timestamps are whole seconds).
        await WaitUntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow.ToUnixTimeSeconds() > helloAt));
        var sent = await scene.BobPeer.CommandAsync("send", new { to = instance.Account.PnJid, text = "still here" }, cancellationToken: Ct);
        var laterId = sent["messageId"]!.GetValue<string>();
        await instance.WaitForEventAsync(InstanceEventNames.NewMessage, e => e.GetProperty("header").GetProperty("messageId").GetString() == laterId);
        var laterAt = (await MessagesOfAsync(instance, bob)).Single(m => m.KeyId == laterId).Timestamp;
        Assert.True(laterAt > helloAt, $"the second message ({laterAt}) must be newer than the first ({helloAt})");

        // The phone deleted the chat when "hello" was its last message (as a snapshot replays it after
        // "still here" arrived): "hello" goes, "still here" and the chat stay, and no deletion is announced.
        await PushFromPhoneAsync(instance, phone, RegularHigh, keyId, ["deleteChat", bob, "1"], DeleteChat(helloAt), 6);
        await WaitUntilAsync(async () => (await VersionsAsync(instance)).GetValueOrDefault(RegularHigh) == 1);
        Assert.Equal([laterId], (await MessagesOfAsync(instance, bob)).Select(m => m.KeyId));
        Assert.Equal(bob, (await ChatRowAsync(instance, bob)).GetProperty("remoteJid").GetString());
        Assert.DoesNotContain(await instance.Host.EventsAsync(instance.Name), e => e.Event == InstanceEventNames.ChatsUpdate && e.DataJson.Contains("\"deleted\"", StringComparison.Ordinal));

        // Deleted up to "still here": nothing remains, the chat goes and chats.update says so.
        await PushFromPhoneAsync(instance, phone, RegularHigh, keyId, ["deleteChat", bob, "1"], DeleteChat(laterAt), 6);
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bob, "deleted", true));
        Assert.Empty(await MessagesOfAsync(instance, bob));
        var (_, chats) = await instance.Host.GetAsync($"/chat/findChats/{Uri.EscapeDataString(instance.Name)}");
        Assert.DoesNotContain(chats.EnumerateArray(), c => c.GetProperty("remoteJid").GetString() == bob);
    }

    private static JsonObject DeleteChat(long lastMessageTimestamp) => new()
    {
        ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        ["deleteChatAction"] = new JsonObject { ["messageRange"] = new JsonObject { ["lastMessageTimestamp"] = lastMessageTimestamp } },
    };

    private static async Task<List<(string KeyId, long Timestamp)>> MessagesOfAsync(SendingInstance instance, string jid)
    {
        var (_, found) = await instance.PostAsync("/chat/findMessages", new { where = new { keyRemoteJid = jid } });
        return [.. found.GetProperty("messages").GetProperty("records").EnumerateArray()
            .Select(m => (m.GetProperty("keyId").GetString()!, m.GetProperty("messageTimestamp").GetInt64()))];
    }

    /// <summary>Baileys builds the phone's patch on its own state of the collection; the emulator takes it as the next version.</summary>
    private async Task PushFromPhoneAsync(SendingInstance instance, BaileysAppStatePeer phone, string collection, byte[] keyId,
        string[] index, JsonObject action, int apiVersion)
    {
        var patch = await phone.EncodeAsync(collection, keyId, index, action, apiVersion, false, Ct);
        emulator.Emulator.PushAppStatePatchFromPhone(instance.Account, collection, patch);
    }
}
