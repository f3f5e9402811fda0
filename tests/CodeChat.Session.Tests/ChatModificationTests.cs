using System.Text.Json;
using System.Text.Json.Nodes;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Testing;
using static CodeChat.Session.Tests.AppStateTestSupport;

namespace CodeChat.Session.Tests;

/// <summary>
/// Our own mute, pin, mark-unread and mark-read (after readMessages' receipts) through the real HTTP
/// pipeline, silo, PostgreSQL and emulator: each patch lands in the emulator's collection, where the
/// phone's codec (Baileys 7) decodes, verifies and applies it on top of its own state, and it comes back
/// in the following sync as the chats row and a <c>chats.update</c>, as the phone's own patches do.
/// </summary>
public sealed class ChatModificationTests(PostgresServerFixture postgres, EmulatorFixture emulator, BaileysInteropPackages packages)
    : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MuteChat_mutes_for_8_hours_by_default_until_a_given_time_or_always_and_unmutes_on_the_phone()
    {
        Assert.NotNull(packages);
        await using var scene = await AppStateScene.StartAsync(postgres, emulator);
        var (instance, bob) = (scene.Instance, scene.Bob.PnJid);
        await scene.ShareNewKeyAsync();

        // No muteUntil: 8 hours from now, as WhatsApp's shortest option.
        var before = DateTimeOffset.UtcNow;
        var (status, body) = await instance.RequestAsync(HttpMethod.Put, "/chat/muteChat", body: new { chat = bob, mute = true });
        Assert.Equal(200, status);
        Assert.Equal(bob, body.GetProperty("chatId").GetString());
        Assert.True(body.GetProperty("muted").GetBoolean());
        var until = body.GetProperty("muteUntil").GetInt64();
        Assert.InRange(until, (before + TimeSpan.FromHours(8)).ToUnixTimeSeconds(), (DateTimeOffset.UtcNow + TimeSpan.FromHours(8)).ToUnixTimeSeconds());
        var mute = (await PhoneAppliesAsync(scene, RegularHigh, ["mute", bob]))["muteAction"]!;
        Assert.True(mute["muted"]!.GetValue<bool>());
        var end = mute["muteEndTimestamp"]!.GetValue<long>();
        Assert.Equal(until, end / 1000);
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bob, "muteEndTime", end));
        Assert.Equal(end, (await ChatRowAsync(instance, bob)).GetProperty("muteEndTime").GetInt64());

        // Always: WhatsApp's -1.
        (status, body) = await instance.RequestAsync(HttpMethod.Put, "/chat/muteChat", body: new { chat = bob, mute = true, muteUntil = "always" });
        Assert.Equal(200, status);
        Assert.Equal("always", body.GetProperty("muteUntil").GetString());
        Assert.Equal(-1, (await PhoneAppliesAsync(scene, RegularHigh, ["mute", bob]))["muteAction"]!["muteEndTimestamp"]!.GetValue<long>());
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bob, "muteEndTime", -1L));

        // Until a given time, the chat named by its number.
        var given = DateTimeOffset.UtcNow.AddDays(7).ToUnixTimeSeconds();
        (status, body) = await instance.RequestAsync(HttpMethod.Put, "/chat/muteChat", body: new { chat = bob.Split('@')[0], mute = true, muteUntil = given });
        Assert.Equal(200, status);
        Assert.Equal(bob, body.GetProperty("chatId").GetString());
        Assert.Equal(given, body.GetProperty("muteUntil").GetInt64());
        Assert.Equal(given * 1000, (await PhoneAppliesAsync(scene, RegularHigh, ["mute", bob]))["muteAction"]!["muteEndTimestamp"]!.GetValue<long>());
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bob, "muteEndTime", given * 1000));

        // Unmute: muted false and no end; the row's muteEndTime goes.
        (status, body) = await instance.RequestAsync(HttpMethod.Put, "/chat/muteChat", body: new { chat = bob, mute = false });
        Assert.Equal(200, status);
        Assert.False(body.GetProperty("muted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("muteUntil").ValueKind);
        var unmute = (await PhoneAppliesAsync(scene, RegularHigh, ["mute", bob]))["muteAction"]!;
        Assert.NotEqual(true, unmute["muted"]?.GetValue<bool>());
        Assert.Null(unmute["muteEndTimestamp"]);
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsNullChange(e, bob, "muteEndTime"));
        Assert.False((await ChatRowAsync(instance, bob)).TryGetProperty("muteEndTime", out _));
        Assert.Equal(4L, (await VersionsAsync(instance))[RegularHigh]);
    }

    [Fact]
    public async Task PinChat_pins_and_unpins_on_the_phone_and_answers_500_before_the_phone_shared_its_keys()
    {
        Assert.NotNull(packages);
        await using var scene = await AppStateScene.StartAsync(postgres, emulator);
        var (instance, bob) = (scene.Instance, scene.Bob.PnJid);

        // No app-state key yet: nothing can be encoded; 1.3's envelope names the chat and the reason.
        var (status, body) = await instance.RequestAsync(HttpMethod.Put, "/chat/pinChat", body: new { chat = bob, pin = true });
        Assert.Equal(500, status);
        var failure = body.GetProperty("message")[0];
        Assert.Equal(bob, failure.GetProperty("chatId").GetString());
        Assert.Contains("app-state keys", failure.GetProperty("message")[0].GetString(), StringComparison.Ordinal);

        await scene.ShareNewKeyAsync();
        (status, body) = await instance.RequestAsync(HttpMethod.Put, "/chat/pinChat", body: new { chat = bob, pin = true });
        Assert.Equal(200, status);
        Assert.Equal(bob, body.GetProperty("chatId").GetString());
        Assert.True(body.GetProperty("pinned").GetBoolean());
        var pin = await PhoneAppliesAsync(scene, RegularLow, ["pin_v1", bob]);
        Assert.True(pin["pinAction"]!["pinned"]!.GetValue<bool>());
        // The pin's time is the action's: the phone sorts pinned chats by it, and the row keeps it.
        var pinnedAt = pin["timestamp"]!.GetValue<long>();
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bob, "pinned", pinnedAt));
        Assert.Equal(pinnedAt, (await ChatRowAsync(instance, bob)).GetProperty("pinned").GetInt64());

        (status, body) = await instance.RequestAsync(HttpMethod.Put, "/chat/pinChat", body: new { chat = bob, pin = false });
        Assert.Equal(200, status);
        Assert.False(body.GetProperty("pinned").GetBoolean());
        Assert.NotEqual(true, (await PhoneAppliesAsync(scene, RegularLow, ["pin_v1", bob]))["pinAction"]!["pinned"]?.GetValue<bool>());
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsNullChange(e, bob, "pinned"));
        Assert.False((await ChatRowAsync(instance, bob)).TryGetProperty("pinned", out _));
    }

    [Fact]
    public async Task MarkChatUnread_marks_the_chat_unread_and_read_again_on_the_phone_with_its_last_message()
    {
        Assert.NotNull(packages);
        await using var scene = await AppStateScene.StartAsync(postgres, emulator);
        var (instance, bob, hello) = (scene.Instance, scene.Bob.PnJid, scene.BobMessageId);
        await scene.ShareNewKeyAsync();
        var helloAt = (await ChatMessageAsync(instance, bob, hello)).GetProperty("messageTimestamp").GetInt64();

        var lastMessage = new { key = new { id = hello, fromMe = false, remoteJid = bob } };
        var (status, body) = await instance.RequestAsync(HttpMethod.Put, "/chat/markChatUnread", body: new { lastMessage, unread = true });
        Assert.Equal(200, status);
        Assert.Equal(bob, body.GetProperty("chatId").GetString());
        Assert.True(body.GetProperty("unread").GetBoolean());
        var unread = (await PhoneAppliesAsync(scene, RegularLow, ["markChatAsRead", bob]))["markChatAsReadAction"]!;
        Assert.NotEqual(true, unread["read"]?.GetValue<bool>());
        // The range names the chat's last message at its stored time (the body gave none).
        Assert.Equal(helloAt, unread["messageRange"]!["lastMessageTimestamp"]!.GetValue<long>());
        Assert.Equal(hello, unread["messageRange"]!["messages"]![0]!["key"]!["id"]!.GetValue<string>());
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bob, "unreadCount", -1L));
        Assert.True((await ChatRowAsync(instance, bob)).GetProperty("markedUnread").GetBoolean());

        (status, body) = await instance.RequestAsync(HttpMethod.Put, "/chat/markChatUnread", body: new { lastMessage, unread = false });
        Assert.Equal(200, status);
        Assert.False(body.GetProperty("unread").GetBoolean());
        Assert.True((await PhoneAppliesAsync(scene, RegularLow, ["markChatAsRead", bob]))["markChatAsReadAction"]!["read"]!.GetValue<bool>());
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bob, "unreadCount", 0L));
        Assert.False((await ChatRowAsync(instance, bob)).TryGetProperty("markedUnread", out _));
    }

    [Fact]
    public async Task ReadMessages_sends_the_read_receipt_then_marks_the_chat_the_phone_marked_unread_read()
    {
        Assert.NotNull(packages);
        await using var scene = await AppStateScene.StartAsync(postgres, emulator);
        var (instance, phone, bob, hello) = (scene.Instance, scene.Phone, scene.Bob.PnJid, scene.BobMessageId);
        var (keyId, _) = await scene.ShareNewKeyAsync();

        // The phone marks Bob's chat unread.
        var markedUnread = await phone.EncodeAsync(RegularLow, keyId, ["markChatAsRead", bob],
            new JsonObject { ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ["markChatAsReadAction"] = new JsonObject { ["read"] = false } }, 3, false, Ct);
        emulator.Emulator.PushAppStatePatchFromPhone(instance.Account, RegularLow, markedUnread);
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bob, "unreadCount", -1L));

        var stored = await ChatMessageAsync(instance, bob, hello);
        var eventsBefore = await instance.EventCountAsync();
        var (status, body) = await instance.RequestAsync(HttpMethod.Patch, "/chat/readMessages", body: new { ids = new[] { stored.GetProperty("id").GetInt64() } });
        Assert.Equal(200, status);
        Assert.Equal("success", body.GetProperty("read").GetString());
        // Baileys' messages.update status 4 is READ.
        await scene.BobPeer.WaitForEventAsync("receipt", e => e["id"]?.GetValue<string>() == hello && e["status"]?.GetValue<int>() == 4, SendingInstance.Patience, Ct);

        // The patch goes out after the answer: once it came back applied here (a chats.update after the
        // request's), the phone has it.
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bob, "unreadCount", 0L), after: eventsBefore);
        var read = (await PhoneAppliesAsync(scene, RegularLow, ["markChatAsRead", bob]))["markChatAsReadAction"]!;
        Assert.True(read["read"]!.GetValue<bool>());
        Assert.Equal(stored.GetProperty("messageTimestamp").GetInt64(), read["messageRange"]!["lastMessageTimestamp"]!.GetValue<long>());
        Assert.Equal(hello, read["messageRange"]!["messages"]![0]!["key"]!["id"]!.GetValue<string>());
        var row = await ChatRowAsync(instance, bob);
        Assert.False(row.TryGetProperty("markedUnread", out _));
        Assert.Equal(0, row.GetProperty("unreadCount").GetInt32());
    }

    [Fact]
    public async Task MuteChat_pinChat_and_markChatUnread_name_the_bad_field_and_answer_404_and_400_when_not_connected()
    {
        var connectionString = await postgres.CreateDatabaseAsync(Ct);
        await using var host = new SessionHost(connectionString, emulator.Server);
        var name = "chatmod-" + Guid.NewGuid().ToString("N")[..6];
        await host.CreateInstanceAsync(name);
        const string jid = "5531912345678@s.whatsapp.net";
        var lastMessage = new { key = new { id = "3EB0AA", fromMe = false, remoteJid = jid } };

        async Task<(int Status, string Body)> PutAsync(string route, string instanceName, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/chat/{route}/{Uri.EscapeDataString(instanceName)}") { Content = System.Net.Http.Json.JsonContent.Create(body) };
            using var response = await host.Http.SendAsync(request, Ct);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        }

        async Task AssertInvalidAsync(string route, object body, string field)
        {
            var (status, text) = await PutAsync(route, name, body);
            Assert.Equal(400, status);
            Assert.Contains(field, text, StringComparison.Ordinal);
        }

        await AssertInvalidAsync("muteChat", new { mute = true }, "chat");
        await AssertInvalidAsync("muteChat", new { chat = "not a number", mute = true }, "\"chat\"");
        await AssertInvalidAsync("muteChat", new { chat = jid }, "mute");
        await AssertInvalidAsync("muteChat", new { chat = jid, mute = "yes" }, "mute is not of a type(s) boolean");
        await AssertInvalidAsync("muteChat", new { chat = jid, mute = true, muteUntil = 1_000_000 }, "muteUntil");
        await AssertInvalidAsync("muteChat", new { chat = jid, mute = true, muteUntil = "tomorrow" }, "muteUntil");
        await AssertInvalidAsync("muteChat", new { chat = jid, mute = true, muteUntil = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds() }, "muteUntil");
        await AssertInvalidAsync("pinChat", new { pin = true }, "chat");
        await AssertInvalidAsync("pinChat", new { chat = jid, pin = 1 }, "pin is not of a type(s) boolean");
        await AssertInvalidAsync("markChatUnread", new { lastMessage }, "unread");
        await AssertInvalidAsync("markChatUnread", new { unread = true }, "lastMessage");
        await AssertInvalidAsync("markChatUnread", new { lastMessage = new { key = new { id = "3EB0AA", remoteJid = jid } }, unread = true }, "lastMessage.key.fromMe");

        // Valid bodies: not connected → 400 as the other /chat routes; a missing instance → 404.
        var valid = new (string Route, object Body)[]
        {
            ("muteChat", new { chat = jid, mute = true }),
            ("pinChat", new { chat = jid, pin = true }),
            ("markChatUnread", new { lastMessage, unread = true }),
        };
        foreach (var (route, body) in valid)
        {
            var (status, text) = await PutAsync(route, name, body);
            Assert.Equal(400, status);
            Assert.Contains("not connected", text, StringComparison.Ordinal);
            Assert.Equal(404, (await PutAsync(route, "no-such-" + Guid.NewGuid().ToString("N")[..6], body)).Status);
        }
    }

    /// <summary>
    /// The phone takes our newest patch of <paramref name="collection"/>: Baileys decodes and verifies it on top
    /// of its own state of the collection (which moves with it); returns the SyncActionValue of its one mutation.
    /// </summary>
    private static async Task<JsonObject> PhoneAppliesAsync(AppStateScene scene, string collection, string[] index)
    {
        var (held, _, _) = await scene.Phone.StateAsync(collection, Ct);
        var patch = Assert.Single(scene.Instance.Account.AppState.PatchesAfter(collection, (ulong)held));
        var mutation = Assert.Single(await scene.Phone.DecodeAsync(collection, patch, Ct));
        Assert.Equal("set", mutation.Operation);
        Assert.Equal(index, mutation.Index);
        Assert.Equal(held + 1, (await scene.Phone.StateAsync(collection, Ct)).Version);
        return mutation.Action!;
    }

    /// <summary>True when a chats.update names <paramref name="jid"/> with <paramref name="property"/> set to null (unpinned, unmuted).</summary>
    private static bool IsNullChange(JsonElement data, string jid, string property) =>
        data[0].GetProperty("remoteJid").GetString() == jid
        && data[0].GetProperty("content").TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Null;

    private static async Task<JsonElement> ChatMessageAsync(SendingInstance instance, string jid, string keyId)
    {
        var (_, found) = await instance.PostAsync("/chat/findMessages", new { where = new { keyRemoteJid = jid, keyId } });
        return Assert.Single(found.GetProperty("messages").GetProperty("records").EnumerateArray());
    }
}
