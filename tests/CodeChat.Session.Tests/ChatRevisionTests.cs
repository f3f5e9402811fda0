using System.Text.Json;
using System.Text.Json.Nodes;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Storage;
using CodeChat.WaEmulator.Protocol;
using Npgsql;

namespace CodeChat.Session.Tests;

/// <summary>
/// <c>/chat/editMessage</c>, <c>/chat/deleteMessage</c> and <c>/chat/deleteMessageForEveryone</c>
/// through the real pipeline: Baileys 7, the recipient, sees our message edited and revoked (its own
/// <c>messages.update</c>), and the stored row changes with our <c>messages.update</c> EDITED / REVOKE,
/// as for a revoke or edit that arrives.
/// </summary>
public sealed class ChatRevisionTests(SendTextFixture fixture) : IClassFixture<SendTextFixture>
{
    private static readonly TimeSpan Patience = SendingInstance.Patience;

    private SendingInstance Instance => fixture.Instance;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Our_text_edited_then_deleted_for_everyone_is_edited_and_revoked_at_Baileys_and_in_the_store()
    {
        var original = "opens at 9 " + Guid.NewGuid().ToString("N")[..6];
        var (status, sent) = await Instance.SendTextAsync(fixture.BobAccount.Phone, original);
        Assert.Equal(201, status);
        var storedId = sent.GetProperty("id").GetInt64();
        var keyId = sent.GetProperty("keyId").GetString()!;
        await fixture.Bob.WaitForTextAsync(original, Patience, Ct);

        // Edit, naming the message by its WhatsApp id.
        var (editsBefore, revokesBefore) = (SentWithEdit("1"), SentWithEdit("7"));
        (status, var edited) = await Instance.PostAsync("/chat/editMessage", new { id = keyId, text = "opens at 10" });
        Assert.True(status == 200, $"{status}: {edited}");
        Assert.Equal(storedId, edited.GetProperty("id").GetInt64());
        Assert.Equal(keyId, edited.GetProperty("keyId").GetString());
        Assert.True(edited.GetProperty("keyFromMe").GetBoolean());
        Assert.Equal("opens at 10", edited.GetProperty("content").GetProperty("text").GetString());

        var atBob = await WaitForRevisionAtBobAsync("edit", keyId);
        Assert.Equal("opens at 10", atBob["text"]!.GetValue<string>());
        var editEvent = await Instance.WaitForEventAsync(InstanceEventNames.MessagesUpdate, e => IsUpdate(e, "EDITED", keyId));
        Assert.Equal(storedId, editEvent.GetProperty("id").GetInt64());
        Assert.True(editEvent.GetProperty("update").GetProperty("header").GetProperty("fromMe").GetBoolean());
        Assert.Equal("opens at 10", editEvent.GetProperty("update").GetProperty("message").GetProperty("message")
            .GetProperty("extendedTextMessage").GetProperty("text").GetString());
        Assert.Contains("opens at 10", (await Instance.StoredAsync(storedId))!.ContentJson, StringComparison.Ordinal);
        await using var dataSource = NpgsqlDataSource.Create(Instance.ConnectionString);
        var revisions = new PostgresMessageRevisionStore(dataSource);
        Assert.Contains(original, Assert.Single(await revisions.EditHistoryAsync(Instance.Name, storedId, Ct)).ContentJson, StringComparison.Ordinal);
        // The stanza told WhatsApp's server it is an edit (whatsmeow/Baileys: edit="1").
        Assert.Equal(editsBefore + 1, SentWithEdit("1"));

        // Delete for everyone, by the stored numeric id.
        var (deleteStatus, deleted) = await DeleteAsync($"/chat/deleteMessage/{Instance.Name}?id={storedId}&everyOne=true");
        Assert.True(deleteStatus == 200, $"{deleteStatus}: {deleted}");
        Assert.Equal(keyId, deleted.GetProperty("message").GetProperty("keyId").GetString());
        Assert.Equal(storedId, deleted.GetProperty("message").GetProperty("id").GetInt64());
        Assert.EndsWith("Z", deleted.GetProperty("deletedAt").GetString(), StringComparison.Ordinal);

        await WaitForRevisionAtBobAsync("revoke", keyId);
        var revokeEvent = await Instance.WaitForEventAsync(InstanceEventNames.MessagesUpdate, e => IsUpdate(e, "REVOKE", keyId));
        Assert.Equal(storedId, revokeEvent.GetProperty("id").GetInt64());
        Assert.NotNull((await revisions.MarksAsync(Instance.Name, storedId, Ct)).RevokedAt);
        Assert.Equal(revokesBefore + 1, SentWithEdit("7"));

        // A revoked message cannot be edited any more; nothing is sent.
        var stanzas = Instance.MessagesSentByInstance();
        (status, var refused) = await Instance.PostAsync("/chat/editMessage", new { id = storedId, text = "too late" });
        Assert.Equal(400, status);
        Assert.Equal("The message was deleted for everyone", refused.GetProperty("message")[0].GetString());
        Assert.Equal(stanzas, Instance.MessagesSentByInstance());
    }

    [Fact]
    public async Task The_deprecated_route_revokes_ours_in_a_group_with_201_and_bad_requests_name_their_field()
    {
        var text = "group note " + Guid.NewGuid().ToString("N")[..6];
        var (status, sent) = await Instance.SendTextAsync(fixture.GroupJid, text);
        Assert.Equal(201, status);
        var keyId = sent.GetProperty("keyId").GetString()!;
        await fixture.Bob.WaitForTextAsync(text, Patience, Ct);

        var (deleteStatus, deleted) = await DeleteAsync($"/chat/deleteMessageForEveryone/{Instance.Name}?id={sent.GetProperty("id").GetInt64()}");
        Assert.True(deleteStatus == 201, $"{deleteStatus}: {deleted}");
        Assert.True(deleted.GetProperty("message").GetProperty("isGroup").GetBoolean());
        var atBob = await WaitForRevisionAtBobAsync("revoke", keyId);
        Assert.Equal(fixture.GroupJid, atBob["remoteJid"]!.GetValue<string>());
        await Instance.WaitForEventAsync(InstanceEventNames.MessagesUpdate, e => IsUpdate(e, "REVOKE", keyId));

        // A message Bob sent us 1:1: neither ours to edit nor ours to revoke.
        var fromBob = await fixture.Bob.SendTextAsync(Instance.Account.PnJid, "from bob " + Guid.NewGuid().ToString("N")[..6], Ct);
        var received = await Instance.WaitForEventAsync(InstanceEventNames.NewMessage, e =>
            e.GetProperty("header").GetProperty("messageId").GetString() == fromBob);
        var receivedId = received.GetProperty("id").GetInt64();
        var stanzas = Instance.MessagesSentByInstance();
        (status, var refused) = await Instance.PostAsync("/chat/editMessage", new { id = receivedId.ToString(System.Globalization.CultureInfo.InvariantCulture), text = "x" });
        Assert.Equal(400, status);
        Assert.Equal("Only messages we sent can be edited", refused.GetProperty("message")[0].GetString());
        (status, refused) = await DeleteAsync($"/chat/deleteMessage/{Instance.Name}?id={receivedId}");
        Assert.Equal(400, status);
        Assert.StartsWith("Only our own messages can be deleted for everyone", refused.GetProperty("message")[0].GetString(), StringComparison.Ordinal);

        (status, refused) = await DeleteAsync($"/chat/deleteMessage/{Instance.Name}");
        Assert.Equal(400, status);
        Assert.Equal("id", refused.GetProperty("message")[0].GetProperty("property").GetString());
        (status, refused) = await DeleteAsync($"/chat/deleteMessage/{Instance.Name}?id=3EB0");
        Assert.Equal(400, status);
        Assert.Equal("id", refused.GetProperty("message")[0].GetProperty("property").GetString());
        (status, refused) = await DeleteAsync($"/chat/deleteMessage/{Instance.Name}?id=987654321");
        Assert.Equal(400, status);
        Assert.Equal("Message not found", refused.GetProperty("message")[0].GetString());
        (status, refused) = await Instance.PostAsync("/chat/editMessage", new { id = receivedId });
        Assert.Equal(400, status);
        Assert.Contains("\"text\"", refused.GetProperty("message")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        (status, refused) = await Instance.PostAsync("/chat/editMessage", new { id = true, text = "x" });
        Assert.Equal(400, status);
        Assert.Equal("id", refused.GetProperty("message")[0].GetProperty("property").GetString());
        Assert.Equal(stanzas, Instance.MessagesSentByInstance());

        (status, _) = await DeleteAsync("/chat/deleteMessage/no-such-instance?id=1");
        Assert.Equal(404, status);
    }

    private static bool IsUpdate(JsonElement data, string status, string keyId) =>
        data.GetProperty("update").GetProperty("status").GetString() == status
        && data.GetProperty("update").GetProperty("header").GetProperty("messageId").GetString() == keyId;

    private Task<JsonObject> WaitForRevisionAtBobAsync(string kind, string keyId) =>
        fixture.Bob.WaitForEventAsync("revision", e => e["kind"]?.GetValue<string>() == kind && e["id"]?.GetValue<string>() == keyId, Patience, Ct);

    /// <summary>How many message stanzas our device sent with this <c>edit</c> attribute (revokes and edits).</summary>
    private int SentWithEdit(string value) => Instance.Emulator.Emulator.Journal.Count(e =>
        e.Direction == StanzaDirection.FromClient && e.Tag == "message" && e.Device == Instance.Device.PnJid
        && e.Summary.Contains($"edit=\"{value}\"", StringComparison.Ordinal));

    private async Task<(int Status, JsonElement Body)> DeleteAsync(string path)
    {
        using var response = await Instance.Host.Http.DeleteAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return ((int)response.StatusCode, document.RootElement.Clone());
    }
}
