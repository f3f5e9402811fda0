using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Storage;
using CodeChat.Testing;
using CodeChat.WaEmulator.Model;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace CodeChat.Session.Tests;

/// <summary>
/// What Baileys 7 does to messages it sent our instance, through the real silo, PostgreSQL and the
/// emulator: revokes and edits change the stored message and raise <c>messages.update</c>; reactions,
/// payments and media arrive with their events; an undecryptable stanza raises <c>general.error</c>;
/// and the chat routes mark messages read at Baileys and hand out their media.
/// </summary>
public sealed class ReceiveTests(PostgresServerFixture postgres, EmulatorFixture emulator, BaileysInteropPackages packages)
    : IClassFixture<EmulatorFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Edits_revokes_reactions_and_payments_from_Baileys_reach_the_store_and_the_webhook_events()
    {
        await using var pair = await PairAsync();
        var (host, name, bob) = (pair.Host, pair.Name, pair.Bob);
        var original = "first words " + Guid.NewGuid().ToString("N")[..6];
        var sent = await bob.CommandAsync("send", new { to = pair.Ours.PnJid, text = original }, cancellationToken: Ct);
        var messageId = sent["messageId"]!.GetValue<string>();
        var bobKey = new { remoteJid = sent["to"]!.GetValue<string>(), fromMe = true, id = messageId };
        var stored = await WaitForEventAsync(host, name, InstanceEventNames.NewMessage, e => Header(e).GetProperty("messageId").GetString() == messageId);
        var storedId = stored.GetProperty("id").GetInt64();

        // Edit: the row gets the new text, the old one stays in message_updates.
        await bob.CommandAsync("sendContent", new { to = bobKey.remoteJid, content = new { edit = bobKey, text = "second words" } }, cancellationToken: Ct);
        var edited = await WaitForEventAsync(host, name, InstanceEventNames.MessagesUpdate, e =>
            e.GetProperty("update").GetProperty("status").GetString() == "EDITED");
        var editUpdate = edited.GetProperty("update");
        Assert.Equal(messageId, editUpdate.GetProperty("header").GetProperty("messageId").GetString());
        Assert.Equal(pair.BobAccount.PnJid, editUpdate.GetProperty("header").GetProperty("wuid").GetString());
        Assert.Equal(storedId, edited.GetProperty("id").GetInt64());
        Assert.Equal("second words", TextOf(editUpdate.GetProperty("message")));
        await using var dataSource = NpgsqlDataSource.Create(pair.ConnectionString);
        var row = await new PostgresMessageStore(dataSource).FindAsync(name, storedId, Ct);
        Assert.Contains("second words", row!.ContentJson, StringComparison.Ordinal);
        var history = await new PostgresMessageRevisionStore(dataSource).EditHistoryAsync(name, storedId, Ct);
        Assert.Contains(original, Assert.Single(history).ContentJson, StringComparison.Ordinal);

        // Reaction, then its removal: each a reactionMessage naming the message, as Baileys-based CodeChat reports them.
        await bob.CommandAsync("sendContent", new { to = bobKey.remoteJid, content = new { react = new { key = bobKey, text = "👍" } } }, cancellationToken: Ct);
        var reaction = await WaitForEventAsync(host, name, InstanceEventNames.NewMessage, e => IsReaction(e, messageId, "👍"));
        Assert.False(reaction.GetProperty("context").GetProperty("fromGroup").GetBoolean());
        await bob.CommandAsync("sendContent", new { to = bobKey.remoteJid, content = new { react = new { key = bobKey, text = "" } } }, cancellationToken: Ct);
        await WaitForEventAsync(host, name, InstanceEventNames.NewMessage, e => IsReaction(e, messageId, ""));

        // Revoke: the row is marked, messages.update says REVOKE.
        await bob.CommandAsync("sendContent", new { to = bobKey.remoteJid, content = new { delete = bobKey } }, cancellationToken: Ct);
        var revoked = await WaitForEventAsync(host, name, InstanceEventNames.MessagesUpdate, e =>
            e.GetProperty("update").GetProperty("status").GetString() == "REVOKE");
        Assert.Equal(messageId, revoked.GetProperty("update").GetProperty("header").GetProperty("messageId").GetString());
        Assert.False(revoked.GetProperty("update").GetProperty("header").GetProperty("fromMe").GetBoolean());
        var (revokedAt, editedAt) = await new PostgresMessageRevisionStore(dataSource).MarksAsync(name, storedId, Ct);
        Assert.NotNull(revokedAt);
        Assert.NotNull(editedAt);

        // A payment request: its own event, not also new.message.
        var payment = await bob.CommandAsync("relay", new
        {
            to = bobKey.remoteJid,
            message = new
            {
                requestPaymentMessage = new
                {
                    currencyCodeIso4217 = "BRL",
                    amount1000 = 12500,
                    requestFrom = pair.Ours.PnJid,
                    noteMessage = new { extendedTextMessage = new { text = "lunch" } },
                },
            },
        }, cancellationToken: Ct);
        var paymentId = payment["messageId"]!.GetValue<string>();
        var requested = await WaitForEventAsync(host, name, InstanceEventNames.RequestPayment, e => Header(e).GetProperty("messageId").GetString() == paymentId);
        Assert.Equal("requestPaymentMessage", requested.GetProperty("body").GetProperty("messageType").GetString());
        Assert.Equal("BRL", requested.GetProperty("body").GetProperty("message").GetProperty("requestPaymentMessage").GetProperty("currencyCodeIso4217").GetString());
        Assert.DoesNotContain(await host.EventsAsync(name), e => e.Event == InstanceEventNames.NewMessage && e.DataJson.Contains(paymentId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_contacts_status_post_is_raised_as_status_broadcast()
    {
        await using var pair = await PairAsync();
        var (host, name, bob) = (pair.Host, pair.Name, pair.Bob);
        var text = "my status " + Guid.NewGuid().ToString("N")[..6];
        var posted = await bob.CommandAsync("sendStatus", new { text, statusJidList = new[] { pair.Ours.PnJid } }, cancellationToken: Ct);
        var postId = posted["messageId"]!.GetValue<string>();

        var status = await WaitForEventAsync(host, name, InstanceEventNames.StatusBroadcast, e => Header(e).GetProperty("messageId").GetString() == postId);
        Assert.Equal("status@broadcast", Header(status).GetProperty("wuid").GetString());
        Assert.Equal(pair.BobAccount.PnJid, Header(status).GetProperty("participant").GetString());
        Assert.False(status.GetProperty("context").GetProperty("fromGroup").GetBoolean());
        Assert.Equal(text, TextOf(status.GetProperty("body")));
        Assert.DoesNotContain(await host.EventsAsync(name), e => e.Event == InstanceEventNames.NewMessage && e.DataJson.Contains(postId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Media_up_to_the_inline_limit_arrives_as_base64_and_every_media_route_returns_the_exact_bytes()
    {
        await using var pair = await PairAsync();
        var (host, name, bob) = (pair.Host, pair.Name, pair.Bob);
        var image = RandomNumberGenerator.GetBytes(70_001);
        var sentImage = await bob.CommandAsync("sendMedia", new { to = pair.Ours.PnJid, base64 = Convert.ToBase64String(image), caption = "look" }, cancellationToken: Ct);
        var imageId = sentImage["messageId"]!.GetValue<string>();
        var imageEvent = await WaitForEventAsync(host, name, InstanceEventNames.NewMessage, e => Header(e).GetProperty("messageId").GetString() == imageId);
        Assert.Equal("imageMessage", imageEvent.GetProperty("body").GetProperty("messageType").GetString());
        Assert.Equal(image, Convert.FromBase64String(imageEvent.GetProperty("media").GetProperty("base64").GetString()!));

        // 9 MB: over the 8 MB limit, so no base64 in the event; the routes fetch it.
        var document = RandomNumberGenerator.GetBytes(9 * 1024 * 1024 + 17);
        var sentDocument = await bob.CommandAsync("sendContent", new
        {
            to = pair.Ours.PnJid,
            content = new { document = new { base64 = Convert.ToBase64String(document) }, mimetype = "application/pdf", fileName = "big.pdf" },
        }, Patience, Ct);
        var documentId = sentDocument["messageId"]!.GetValue<string>();
        var documentEvent = await WaitForEventAsync(host, name, InstanceEventNames.NewMessage, e => Header(e).GetProperty("messageId").GetString() == documentId);
        Assert.Equal("documentMessage", documentEvent.GetProperty("body").GetProperty("messageType").GetString());
        // Too large to inline: no base64, only the public download link.
        var documentMedia = documentEvent.GetProperty("media");
        Assert.False(documentMedia.TryGetProperty("base64", out _));
        Assert.StartsWith("/chat/public/document/download?q=", documentMedia.GetProperty("path").GetString(), StringComparison.Ordinal);
        using (var anonymous = host.CreateClient())
        {
            // The public link needs no API key and serves the 9 MB byte-identical.
            Assert.Equal(document, await anonymous.GetByteArrayAsync(documentMedia.GetProperty("path").GetString(), Ct));
        }
        var documentRowId = documentEvent.GetProperty("id").GetInt64();

        using (var binary = await host.Http.PostAsJsonAsync($"/chat/mediaData/{name}?binary=true", new { keyId = documentId }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, binary.StatusCode);
            Assert.Equal("application/pdf", binary.Content.Headers.ContentType!.MediaType);
            Assert.Equal("big.pdf", binary.Content.Headers.ContentDisposition!.FileNameStar ?? binary.Content.Headers.ContentDisposition.FileName?.Trim('"'));
            Assert.Equal(document, await binary.Content.ReadAsByteArrayAsync(Ct));
        }

        using (var multipart = await host.Http.PostAsJsonAsync($"/chat/mediaData/{name}", new { id = documentRowId }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, multipart.StatusCode);
            var fields = await ReadMultipartAsync(multipart);
            Assert.Equal("documentMessage", System.Text.Encoding.UTF8.GetString(fields["mediaType"]));
            Assert.Equal("big.pdf", Uri.UnescapeDataString(System.Text.Encoding.UTF8.GetString(fields["fileName"])));
            Assert.Equal("application/pdf", System.Text.Encoding.UTF8.GetString(fields["mimetype"]));
            using var size = JsonDocument.Parse(fields["size"]);
            Assert.Equal(document.Length, size.RootElement.GetProperty("fileLength").GetInt64());
            Assert.Equal(document, fields["file"]);
        }

        using (var retrieved = await host.Http.PostAsJsonAsync($"/chat/retrieverMediaMessage/{name}", new { keyId = imageId }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, retrieved.StatusCode);
            Assert.Equal("image/jpeg", retrieved.Content.Headers.ContentType!.MediaType);
            Assert.Equal(image, await retrieved.Content.ReadAsByteArrayAsync(Ct));
        }

        using (var base64 = await host.Http.PostAsJsonAsync($"/chat/base64MediaMessage/{name}", new { id = documentRowId }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, base64.StatusCode);
            using var body = JsonDocument.Parse(await base64.Content.ReadAsStringAsync(Ct));
            Assert.Equal(document, Convert.FromBase64String(body.RootElement.GetProperty("base64").GetString()!));
            Assert.Equal("documentMessage", body.RootElement.GetProperty("mediaType").GetString());
        }

        // Not media, unknown message, bad selector, unknown instance.
        var text = await bob.CommandAsync("send", new { to = pair.Ours.PnJid, text = "just words" }, cancellationToken: Ct);
        var textId = text["messageId"]!.GetValue<string>();
        await WaitForEventAsync(host, name, InstanceEventNames.NewMessage, e => Header(e).GetProperty("messageId").GetString() == textId);
        await AssertErrorAsync(host, $"/chat/mediaData/{name}", new { keyId = textId }, 400, "The message is not of the media type");
        await AssertErrorAsync(host, $"/chat/mediaData/{name}", new { keyId = "NOSUCHMESSAGE" }, 400, "Message not found");
        await AssertErrorAsync(host, $"/chat/mediaData/{name}", new { }, 400, "keyId");
        await AssertErrorAsync(host, $"/chat/mediaData/{name}", new { id = "abc" }, 400, "\"id\"");
        await AssertErrorAsync(host, "/chat/mediaData/no-such-instance", new { keyId = imageId }, 404, "Instance not found");
        using var unauthenticated = new HttpRequestMessage(HttpMethod.Post, $"/chat/mediaData/{name}") { Content = JsonContent.Create(new { keyId = imageId }) };
        unauthenticated.Headers.Add("apikey", "wrong-key");
        using var refused = await host.CreateClient().SendAsync(unauthenticated, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // Expired media: the host no longer has it.
        Assert.True(emulator.Emulator.Media.Forget(ExtractDirectPath(imageEvent)));
        await AssertErrorAsync(host, $"/chat/retrieverMediaMessage/{name}", new { keyId = imageId }, 410, "no longer");
    }

    [Fact]
    public async Task Marking_messages_read_sends_Baileys_a_read_receipt_and_stores_READ()
    {
        await using var pair = await PairAsync();
        var (host, name, bob) = (pair.Host, pair.Name, pair.Bob);
        var first = (await bob.CommandAsync("send", new { to = pair.Ours.PnJid, text = "read me" }, cancellationToken: Ct))["messageId"]!.GetValue<string>();
        var second = (await bob.CommandAsync("send", new { to = pair.Ours.PnJid, text = "read me too" }, cancellationToken: Ct))["messageId"]!.GetValue<string>();
        await WaitForEventAsync(host, name, InstanceEventNames.NewMessage, e => Header(e).GetProperty("messageId").GetString() == first);
        var secondEvent = await WaitForEventAsync(host, name, InstanceEventNames.NewMessage, e => Header(e).GetProperty("messageId").GetString() == second);

        // markMessageAsRead by WhatsApp key, in a 1:1 chat (CodeChat 1.3 silently skipped those).
        using (var marked = await host.Http.PutAsJsonAsync($"/chat/markMessageAsRead/{name}",
            new { readMessages = new[] { new { id = first, fromMe = false, remoteJid = pair.BobAccount.PnJid } } }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, marked.StatusCode);
            using var body = JsonDocument.Parse(await marked.Content.ReadAsStringAsync(Ct));
            Assert.Equal("Read messages", body.RootElement.GetProperty("message").GetString());
            Assert.Equal("success", body.RootElement.GetProperty("read").GetString());
        }
        // Baileys' messages.update status 4 is READ.
        await bob.WaitForEventAsync("receipt", e => e["id"]?.GetValue<string>() == first && e["status"]?.GetValue<int>() == 4, Patience, Ct);
        await using var dataSource = NpgsqlDataSource.Create(pair.ConnectionString);
        var store = new PostgresMessageStore(dataSource);
        Assert.Equal(MessageStatus.Read, (await store.FindByMessageIdAsync(name, first, null, Ct))!.Status);

        // readMessages by numeric id (alias messageId), this instance only.
        using (var read = await host.Http.PatchAsJsonAsync($"/chat/readMessages/{name}", new { messageId = new[] { secondEvent.GetProperty("id").GetInt64() } }, Ct))
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await bob.WaitForEventAsync("receipt", e => e["id"]?.GetValue<string>() == second && e["status"]?.GetValue<int>() == 4, Patience, Ct);
        Assert.Equal(MessageStatus.Read, (await store.FindByMessageIdAsync(name, second, null, Ct))!.Status);

        using (var wrong = await host.Http.PatchAsync($"/chat/readMessages/{name}", JsonContent.Create(new { ids = "x" }), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("ids", await wrong.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        using (var wrong = await host.Http.PutAsJsonAsync($"/chat/markMessageAsRead/{name}", new { readMessages = new[] { new { id = first, remoteJid = pair.BobAccount.PnJid } } }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("readMessages[0].fromMe", await wrong.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        using (var missing = await host.Http.PatchAsJsonAsync("/chat/readMessages/no-such-instance", new { ids = new[] { 1 } }, Ct))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_message_that_cannot_be_decrypted_after_every_retry_raises_general_error_without_secrets()
    {
        await using var pair = await PairAsync();
        var (host, name, bob) = (pair.Host, pair.Name, pair.Bob);
        emulator.Emulator.CorruptMessages(pair.OurDevice);
        var sent = await bob.CommandAsync("send", new { to = pair.Ours.PnJid, text = "you will never read this" }, cancellationToken: Ct);
        var messageId = sent["messageId"]!.GetValue<string>();
        JsonElement error;
        try
        {
            error = await WaitForEventAsync(host, name, InstanceEventNames.GeneralError, e => Header(e).GetProperty("messageId").GetString() == messageId);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new InvalidOperationException("No general.error; Baileys said:\n" + bob.StandardErrorTail, exception);
        }
        emulator.Emulator.CorruptMessages(pair.OurDevice, corrupt: false);

        Assert.Equal("new.message", error.GetProperty("event").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("reason").GetString()));
        Assert.Equal(pair.BobAccount.PnJid, Header(error).GetProperty("wuid").GetString());
        Assert.False(Header(error).GetProperty("fromMe").GetBoolean());
        var raw = (await host.EventsAsync(name)).Single(e => e.Event == InstanceEventNames.GeneralError).DataJson;
        Assert.DoesNotContain("you will never read this", raw, StringComparison.Ordinal);
        foreach (var secretish in new[] { "key", "Key", "secret", "token", "ciphertext" })
            Assert.DoesNotContain("\"" + secretish, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(await host.EventsAsync(name), e => e.Event == InstanceEventNames.NewMessage && e.DataJson.Contains(messageId, StringComparison.Ordinal));

        // The session still works afterwards.
        var next = await bob.CommandAsync("send", new { to = pair.Ours.PnJid, text = "and this one arrives" }, cancellationToken: Ct);
        var nextId = next["messageId"]!.GetValue<string>();
        await WaitForEventAsync(host, name, InstanceEventNames.NewMessage, e => Header(e).GetProperty("messageId").GetString() == nextId);
    }

    private static JsonElement Header(JsonElement data) => data.TryGetProperty("header", out var header) ? header : data.GetProperty("update").GetProperty("header");

    private static bool IsReaction(JsonElement data, string targetId, string text)
    {
        if (data.GetProperty("body").GetProperty("messageType").GetString() != "reactionMessage")
            return false;
        var reaction = data.GetProperty("body").GetProperty("message").GetProperty("reactionMessage");
        var actual = reaction.TryGetProperty("text", out var t) ? t.GetString() : "";
        return reaction.GetProperty("key").GetProperty("ID").GetString() == targetId && actual == text;
    }

    private static string? TextOf(JsonElement typedMessage)
    {
        var message = typedMessage.GetProperty("message");
        return typedMessage.GetProperty("messageType").GetString() == "conversation"
            ? message.GetProperty("conversation").GetString()
            : message.GetProperty("extendedTextMessage").GetProperty("text").GetString();
    }

    private static string ExtractDirectPath(JsonElement imageEvent) =>
        imageEvent.GetProperty("body").GetProperty("message").GetProperty("imageMessage").GetProperty("directPath").GetString()!;

    private static async Task AssertErrorAsync(SessionHost host, string path, object body, int status, string expected)
    {
        using var response = await host.Http.PostAsJsonAsync(path, body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode == status, $"{path}: {(int)response.StatusCode} {text}");
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, byte[]>> ReadMultipartAsync(HttpResponseMessage response)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(response.Content.Headers.ContentType!.ToString()).Boundary).Value!;
        var reader = new MultipartReader(boundary, await response.Content.ReadAsStreamAsync(Ct));
        var fields = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        while (await reader.ReadNextSectionAsync(Ct) is { } section)
        {
            var disposition = ContentDispositionHeaderValue.Parse(section.ContentDisposition);
            using var buffer = new MemoryStream();
            await section.Body.CopyToAsync(buffer, Ct);
            fields[HeaderUtilities.RemoveQuotes(disposition.Name).Value!] = buffer.ToArray();
        }
        return fields;
    }

    /// <summary>Polls the outbox for an event of <paramref name="eventName"/> whose data matches.</summary>
    private static async Task<JsonElement> WaitForEventAsync(SessionHost host, string name, string eventName, Func<JsonElement, bool> predicate)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var record in await host.EventsAsync(name))
            {
                if (record.Event != eventName)
                    continue;
                using var document = JsonDocument.Parse(record.DataJson);
                if (predicate(document.RootElement))
                    return document.RootElement.Clone();
            }
            await Task.Delay(250, Ct);
        }
        Assert.Fail($"No {eventName} event matched within {Patience}.");
        return default;
    }

    private async Task<PairedInstance> PairAsync()
    {
        Assert.NotNull(packages);
        var connectionString = await postgres.CreateDatabaseAsync(Ct);
        // A sender that stops resending is given up on after this (60 s by default).
        var host = new SessionHost(connectionString, emulator.Server, settings: new Dictionary<string, string?>
        {
            ["WhatsApp:RetryReceiptAnswerTimeout"] = "00:00:10",
        });
        var name = "receive-" + Guid.NewGuid().ToString("N")[..8];
        await host.CreateInstanceAsync(name);
        var (_, qr) = await host.ConnectForQrAsync(name);
        var ours = emulator.Emulator.CreateAccount();
        var ourDevice = await emulator.Emulator.ScanQrAsync(qr.GetProperty("code").GetString()!, ours, Ct);
        Assert.Equal(200, await host.WaitForStateAsync(name, "open", Patience));

        var bob = await BaileysPeer.StartAsync(new BaileysPeerOptions
        {
            Name = "bob",
            EmulatorUrl = emulator.Server.WebSocketUrl,
            TrustedRootKey = emulator.Emulator.Certificates.RootPublicKey,
            ExtraCaCertificatesFile = emulator.Server.MediaCertificateAuthorityFile,
            LogLevel = Environment.GetEnvironmentVariable("BAILEYS_LOG") ?? "silent",
        }, Ct);
        var bobAccount = emulator.Emulator.CreateAccount(pushName: "Bob");
        await bob.ConnectAsync(Ct);
        await emulator.Emulator.ScanQrAsync(await bob.WaitForQrAsync(Ct), bobAccount, Ct);
        await bob.WaitForOpenAsync(Ct);
        return new PairedInstance(host, connectionString, name, ours, ourDevice, bob, bobAccount);
    }

    private sealed record PairedInstance(
        SessionHost Host, string ConnectionString, string Name, EmulatedAccount Ours, LinkedDevice OurDevice, BaileysPeer Bob, EmulatedAccount BobAccount)
        : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Bob.DisposeAsync();
            await Host.DisposeAsync();
        }
    }
}
