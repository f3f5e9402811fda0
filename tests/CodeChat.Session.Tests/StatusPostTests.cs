using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Messages;
using SkiaSharp;

namespace CodeChat.Session.Tests;

/// <summary>
/// Status posts through the send routes (<c>number: "status@broadcast"</c> with <c>options.statusJidList</c>
/// or <c>options.allContacts</c>), through the real HTTP pipeline, the silo, PostgreSQL and the emulator,
/// with Baileys 7 peers as the audience: what each listed peer decrypts, that nobody else gets it, and
/// every refusal naming its field.
/// </summary>
public sealed class StatusPostTests(StatusPostFixture fixture) : IClassFixture<StatusPostFixture>
{
    private const string Status = "status@broadcast";

    private static readonly TimeSpan Patience = SendingInstance.Patience;

    private SendingInstance Instance => fixture.Instance;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Unique(string prefix) => prefix + " " + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_text_status_reaches_exactly_the_listed_Baileys_peers_styled_and_a_second_post_reuses_the_sender_key()
    {
        var text = Unique("status ✓");
        var (status, body) = await Instance.SendTextAsync(Status, text, new
        {
            statusJidList = new[] { fixture.BobAccount.Phone, fixture.CarolAccount.PnJid },
            backgroundColor = "#FF8800",
            font = 2,
        });

        Assert.True(status == 201, body.ToString());
        var keyId = body.GetProperty("keyId").GetString()!;
        Assert.Equal(Status, body.GetProperty("keyRemoteJid").GetString());
        Assert.True(body.GetProperty("keyFromMe").GetBoolean());
        Assert.False(body.GetProperty("isGroup").GetBoolean());
        Assert.Equal("extendedTextMessage", body.GetProperty("messageType").GetString());
        Assert.Equal(text, body.GetProperty("content").GetProperty("text").GetString());
        Assert.Equal("SERVER_ACK", body.GetProperty("status").GetString());
        Assert.Equal("web", body.GetProperty("device").GetString());

        foreach (var peer in new[] { fixture.Bob, fixture.Carol })
        {
            var received = await peer.WaitForMessageAsync(e => e["id"]?.GetValue<string>() == keyId, Patience, Ct);
            AssertFromUs(received);
            Assert.Equal(text, received["text"]!.GetValue<string>());
            var extended = received["content"]!["extendedTextMessage"]!;
            Assert.Equal(0xFFFF8800u, extended["backgroundArgb"]!.GetValue<uint>());
            // Baileys names the enum value: font 2 is FB_SCRIPT in WhatsApp's FontType.
            Assert.Equal("FB_SCRIPT", extended["font"]!.GetValue<string>());
        }

        var stored = await Instance.StoredAsync(body.GetProperty("id").GetInt64());
        Assert.NotNull(stored);
        Assert.Equal(new MessageKey(Status, keyId, true), stored.Key);
        Assert.True(stored.Status >= MessageStatus.ServerAck);

        // The second post: the same sender key, one step on; both decrypt it.
        var second = Unique("status again");
        (status, body) = await Instance.SendTextAsync(Status, second, new { statusJidList = new[] { fixture.BobAccount.Phone, fixture.CarolAccount.Phone } });
        Assert.True(status == 201, body.ToString());
        var secondId = body.GetProperty("keyId").GetString()!;
        AssertFromUs(await fixture.Bob.WaitForTextAsync(second, Patience, Ct));
        AssertFromUs(await fixture.Carol.WaitForTextAsync(second, Patience, Ct));
        var posts = Instance.Emulator.Emulator.StatusPosts;
        var firstPost = Assert.Single(posts, p => p.Id == keyId);
        var secondPost = Assert.Single(posts, p => p.Id == secondId);
        Assert.Equal(firstPost.SenderKeyId, secondPost.SenderKeyId);
        Assert.Equal(firstPost.Iteration + 1, secondPost.Iteration);

        // Dave was never listed, so the server routed him nothing and his Baileys decrypted nothing.
        foreach (var post in new[] { firstPost, secondPost })
        {
            Assert.DoesNotContain(post.Listed, jid => jid.StartsWith(fixture.DaveAccount.Phone, StringComparison.Ordinal));
            Assert.Contains(post.Listed, jid => jid.StartsWith(fixture.BobAccount.Phone, StringComparison.Ordinal));
            Assert.Contains(post.Listed, jid => jid.StartsWith(fixture.CarolAccount.Phone, StringComparison.Ordinal));
        }
        await Assert.ThrowsAnyAsync<Exception>(() => fixture.Dave.WaitForMessageAsync(
            e => e["id"]?.GetValue<string>() is { } id && (id == keyId || id == secondId), TimeSpan.FromSeconds(2), Ct));
    }

    [Fact]
    public async Task Each_viewers_delivery_and_read_receipt_of_a_post_is_a_messages_update_naming_the_viewer()
    {
        var text = Unique("seen by");
        var (status, body) = await Instance.SendTextAsync(Status, text, new { statusJidList = new[] { fixture.BobAccount.Phone, fixture.CarolAccount.Phone } });
        Assert.True(status == 201, body.ToString());
        var id = body.GetProperty("id").GetInt64();
        await fixture.Bob.WaitForTextAsync(text, Patience, Ct);
        var atCarol = await fixture.Carol.WaitForTextAsync(text, Patience, Ct);

        // As a group's members' (whatsmeow treats status@broadcast receipts as a group's): one event per viewer.
        await WaitForUpdateAsync(id, "DELIVERY_ACK", fixture.BobAccount.PnJid);
        await WaitForUpdateAsync(id, "DELIVERY_ACK", fixture.CarolAccount.PnJid);
        await fixture.Carol.CommandAsync("read", new { keys = new[] { atCarol["key"] } }, cancellationToken: Ct);
        var read = await WaitForUpdateAsync(id, "READ", fixture.CarolAccount.PnJid);
        Assert.Equal(Status, read.GetProperty("update").GetProperty("header").GetProperty("wuid").GetString());
        Assert.Equal(MessageStatus.Read, (await Instance.StoredAsync(id))!.Status);
    }

    private Task<JsonElement> WaitForUpdateAsync(long id, string status, string participant) =>
        Instance.WaitForEventAsync(InstanceEventNames.MessagesUpdate, d =>
            d.GetProperty("id").GetInt64() == id
            && d.GetProperty("update").GetProperty("status").GetString() == status
            && d.GetProperty("update").GetProperty("header").TryGetProperty("participant", out var p) && p.GetString() == participant);

    [Fact]
    public async Task An_image_status_arrives_at_Baileys_byte_identical()
    {
        var image = Image();
        var caption = Unique("look");
        var (status, body) = await Instance.PostAsync("/message/sendMedia", new
        {
            number = Status,
            mediaMessage = new { mediatype = "image", media = Convert.ToBase64String(image), caption },
            options = new { statusJidList = new[] { fixture.BobAccount.Phone } },
        });

        Assert.True(status == 201, body.ToString());
        Assert.Equal(Status, body.GetProperty("keyRemoteJid").GetString());
        Assert.Equal("imageMessage", body.GetProperty("messageType").GetString());
        var keyId = body.GetProperty("keyId").GetString()!;
        var received = await fixture.Bob.WaitForMessageAsync(e => e["id"]?.GetValue<string>() == keyId, Patience, Ct);
        AssertFromUs(received);
        var media = received["media"]!;
        Assert.Equal("imageMessage", media["kind"]!.GetValue<string>());
        Assert.Null(media["downloadError"]?.GetValue<string>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(image)), media["downloadedSha256"]!.GetValue<string>());
        Assert.Equal(caption, media["caption"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_audiences_and_misplaced_status_options_are_400s_naming_the_field_and_nothing_is_sent()
    {
        var sentBefore = Instance.MessagesSentByInstance();
        await AssertRefusedAsync(Instance.SendTextAsync(Status, "no audience"), "options.statusJidList");
        await AssertRefusedAsync(Instance.SendTextAsync(Status, "empty", new { statusJidList = Array.Empty<string>() }), "options.statusJidList");
        await AssertRefusedAsync(Instance.SendTextAsync(Status, "bad", new { statusJidList = new[] { fixture.BobAccount.Phone, "not-a-number" } }), "options.statusJidList[1]");
        await AssertRefusedAsync(Instance.SendTextAsync(Status, "group", new { statusJidList = new[] { "120363025246125486@g.us" } }), "options.statusJidList[0]");
        await AssertRefusedAsync(Instance.SendTextAsync(Status, "both", new { statusJidList = new[] { fixture.BobAccount.Phone }, allContacts = true }), "options.statusJidList");
        await AssertRefusedAsync(Instance.SendTextAsync(Status, "colour", new { statusJidList = new[] { fixture.BobAccount.Phone }, backgroundColor = "orange" }), "options.backgroundColor");
        await AssertRefusedAsync(Instance.SendTextAsync(Status, "font", new { statusJidList = new[] { fixture.BobAccount.Phone }, font = 4 }), "options.font");
        await AssertRefusedAsync(Instance.SendTextAsync(fixture.BobAccount.Phone, "not a status", new { statusJidList = new[] { fixture.CarolAccount.Phone } }), "options.statusJidList");
        await AssertRefusedAsync(Instance.SendTextAsync(fixture.BobAccount.Phone, "not a status", new { font = 1 }), "options.font");
        await AssertRefusedAsync(Instance.PostAsync("/message/sendLocation", new
        {
            number = Status,
            locationMessage = new { latitude = -19.9, longitude = -43.9 },
            options = new { statusJidList = new[] { fixture.BobAccount.Phone } },
        }), "number");
        await AssertRefusedAsync(Instance.PostAsync("/message/sendMedia", new
        {
            number = Status,
            mediaMessage = new { mediatype = "document", media = Convert.ToBase64String("%PDF-1.4"u8.ToArray()), fileName = "a.pdf" },
            options = new { statusJidList = new[] { fixture.BobAccount.Phone } },
        }), "mediaMessage.mediatype");
        await AssertRefusedAsync(Instance.PostAsync("/message/sendMedia", new
        {
            number = Status,
            mediaMessage = new { mediatype = "image", media = Convert.ToBase64String(Image()) },
            options = new { statusJidList = new[] { fixture.BobAccount.Phone }, backgroundColor = "#000000" },
        }), "options.backgroundColor");

        // A number without WhatsApp: 400 listing it as a send's recipient is listed.
        var (status, body) = await Instance.SendTextAsync(Status, "unknown", new { statusJidList = new[] { fixture.BobAccount.Phone, "5531900000077" } });
        Assert.Equal(400, status);
        var missing = Assert.Single(body.GetProperty("message").EnumerateArray());
        Assert.False(missing.GetProperty("exists").GetBoolean());
        Assert.Equal("5531900000077@s.whatsapp.net", missing.GetProperty("jid").GetString());

        // On a media route the audience is checked before anything is uploaded.
        var uploadsBefore = Instance.Emulator.Emulator.Media.Uploads.Count;
        (status, body) = await Instance.PostAsync("/message/sendMedia", new
        {
            number = Status,
            mediaMessage = new { mediatype = "image", media = Convert.ToBase64String(Image()) },
            options = new { statusJidList = new[] { "5531900000078", fixture.CarolAccount.Phone, "5531900000079" } },
        });
        Assert.Equal(400, status);
        Assert.Equal(["5531900000078@s.whatsapp.net", "5531900000079@s.whatsapp.net"],
            body.GetProperty("message").EnumerateArray().Select(m => m.GetProperty("jid").GetString()));
        Assert.Equal(uploadsBefore, Instance.Emulator.Emulator.Media.Uploads.Count);

        Assert.Equal(sentBefore, Instance.MessagesSentByInstance());
    }

    [Fact]
    public async Task All_contacts_is_refused_without_contacts_and_then_reaches_the_contact_who_wrote()
    {
        // No peer has written to the instance yet: nobody to post to.
        await AssertRefusedAsync(Instance.SendTextAsync(Status, "to nobody", new { allContacts = true }), "options.allContacts");

        var hello = Unique("hello from Bob");
        await fixture.Bob.SendTextAsync(Instance.Account.PnJid, hello, Ct);
        await Instance.WaitForEventAsync(Grains.Abstractions.Events.InstanceEventNames.ContactsUpsert, d => d.ToString().Contains(fixture.BobAccount.Phone, StringComparison.Ordinal));

        var text = Unique("for my contacts");
        var (status, body) = await Instance.SendTextAsync(Status, text, new { allContacts = true });
        Assert.True(status == 201, body.ToString());
        var keyId = body.GetProperty("keyId").GetString()!;
        AssertFromUs(await fixture.Bob.WaitForMessageAsync(e => e["id"]?.GetValue<string>() == keyId, Patience, Ct));
        var post = Assert.Single(Instance.Emulator.Emulator.StatusPosts, p => p.Id == keyId);
        Assert.DoesNotContain(post.Listed, jid => jid.StartsWith(fixture.CarolAccount.Phone, StringComparison.Ordinal));
        Assert.DoesNotContain(post.Listed, jid => jid.StartsWith(fixture.DaveAccount.Phone, StringComparison.Ordinal));
    }

    private void AssertFromUs(JsonObject received)
    {
        Assert.Equal(Status, received["from"]!.GetValue<string>());
        var participant = received["participant"]!.GetValue<string>();
        Assert.Equal(Instance.Account.Phone, participant.Split('@', ':')[0]);
    }

    private static async Task AssertRefusedAsync(Task<(int Status, JsonElement Body)> request, string property)
    {
        var (status, body) = await request;
        Assert.True(status == 400, $"{property}: {status} {body}");
        Assert.Contains(body.GetProperty("message").EnumerateArray(),
            m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("property", out var p) && p.GetString() == property);
    }

    private static byte[] Image()
    {
        using var bitmap = new SKBitmap(320, 200);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.SteelBlue);
            using var paint = new SKPaint { Color = SKColors.White };
            canvas.DrawCircle(160, 100, 60, paint);
        }
        using var encoded = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100);
        return encoded.ToArray();
    }
}
