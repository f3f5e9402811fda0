using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Secrets;
using CodeChat.Testing;
using Microsoft.Extensions.DependencyInjection;
using CodeChat.WaEmulator.Protocol;

namespace CodeChat.Session.Tests;

/// <summary>
/// The <c>/chat</c> routes about other accounts through the real HTTP pipeline, silo, PostgreSQL and the
/// emulator, with Baileys 7 peers as the other party: profile pictures Baileys uploaded, calls placed to the
/// instance and rejected, Signal sessions asserted, and the blocklist.
/// </summary>
public sealed class ChatContactTests(GroupFixture fixture, PostgresServerFixture postgres) : IClassFixture<GroupFixture>
{
    // A 2×2 red PNG; Baileys re-encodes it as a 640×640 JPEG before it uploads it.
    private const string TinyPngBase64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SendingInstance Instance => fixture.Instance;

    [Fact]
    public async Task FetchProfilePictureUrl_returns_the_media_host_url_of_the_picture_Baileys_uploaded()
    {
        var uploaded = await fixture.Bob.CommandAsync("updateProfilePicture", new { base64 = TinyPngBase64 }, cancellationToken: Ct);

        var (status, body) = await Instance.PostAsync("/chat/fetchProfilePictureUrl", new { number = fixture.BobAccount.Phone });
        Assert.Equal(200, status);
        Assert.Equal(fixture.BobAccount.PnJid, body.GetProperty("wuid").GetString());
        var url = body.GetProperty("profilePictureUrl").GetString()!;
        Assert.StartsWith($"https://{Instance.Emulator.Emulator.Media.Authority}/", url, StringComparison.Ordinal);
        // Another Baileys client downloads what the URL serves: the very JPEG Bob's Baileys uploaded.
        var fetched = await fixture.Carol.CommandAsync("fetchUrl", new { url }, cancellationToken: Ct);
        Assert.Equal(200, fetched["status"]!.GetValue<int>());
        Assert.Equal(uploaded["sha256"]!.GetValue<string>(), fetched["sha256"]!.GetValue<string>());
        Assert.Equal(uploaded["length"]!.GetValue<int>(), fetched["length"]!.GetValue<int>());

        // The GET form takes the number in the query and answers the same.
        var (getStatus, byQuery) = await Instance.RequestAsync(HttpMethod.Get, "/chat/fetchProfilePictureUrl", $"?number={fixture.BobAccount.Phone}");
        Assert.Equal(200, getStatus);
        Assert.Equal(url, byQuery.GetProperty("profilePictureUrl").GetString());

        // A group's picture (set through our group route) is served the same way.
        var (created, group) = await Instance.PostAsync("/group/create", new { subject = "Pictures " + Guid.NewGuid().ToString("N")[..6], participants = new[] { fixture.BobAccount.Phone } });
        Assert.Equal(201, created);
        var groupJid = group.GetProperty("groupMetadata").GetProperty("id").GetString()!;
        Assert.Equal(201, (await Instance.RequestAsync(HttpMethod.Put, "/group/updateGroupPicture", $"?groupJid={groupJid}", new { image = TinyPngBase64 })).Status);
        var (groupStatus, groupPicture) = await Instance.PostAsync("/chat/fetchProfilePictureUrl", new { number = groupJid });
        Assert.Equal(200, groupStatus);
        Assert.Equal(groupJid, groupPicture.GetProperty("wuid").GetString());
        var groupUrl = groupPicture.GetProperty("profilePictureUrl").GetString()!;
        var groupFetched = await fixture.Bob.CommandAsync("fetchUrl", new { url = groupUrl }, cancellationToken: Ct);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Instance.Emulator.Emulator.ProfilePictureOf(groupJid)!.Jpeg)), groupFetched["sha256"]!.GetValue<string>());
    }

    [Fact]
    public async Task FetchProfilePictureUrl_answers_null_with_the_reason_when_there_is_no_picture_or_it_is_hidden()
    {
        // Carol never set a picture.
        var (status, body) = await Instance.PostAsync("/chat/fetchProfilePictureUrl", new { number = fixture.CarolAccount.Phone });
        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("profilePictureUrl").ValueKind);
        Assert.Equal("not-set", body.GetProperty("reason").GetString());

        // Dave has one but shows it to nobody (WhatsApp answers 401 not-authorized).
        await fixture.Dave.CommandAsync("updateProfilePicture", new { base64 = TinyPngBase64 }, cancellationToken: Ct);
        await fixture.Dave.CommandAsync("updateProfilePicturePrivacy", new { value = "none" }, cancellationToken: Ct);
        (status, body) = await Instance.PostAsync("/chat/fetchProfilePictureUrl", new { number = fixture.DaveAccount.Phone });
        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("profilePictureUrl").ValueKind);
        Assert.Equal("hidden", body.GetProperty("reason").GetString());

        // Bad input names the field; an unknown number, a missing instance and a bad key are refused.
        (status, body) = await Instance.PostAsync("/chat/fetchProfilePictureUrl", new { });
        AssertNames(status, body, "number");
        (status, body) = await Instance.RequestAsync(HttpMethod.Get, "/chat/fetchProfilePictureUrl");
        AssertNames(status, body, "number");
        Assert.Equal(400, (await Instance.PostAsync("/chat/fetchProfilePictureUrl", new { number = "5599912345678" })).Status);
        Assert.Equal(404, (await Instance.PostAsync("/chat/fetchProfilePictureUrl", new { number = fixture.CarolAccount.Phone }, MissingInstance())).Status);
        Assert.Equal(401, await WithBadKeyAsync(HttpMethod.Get, $"/chat/fetchProfilePictureUrl/{Instance.Name}?number={fixture.CarolAccount.Phone}"));
    }

    [Fact]
    public async Task A_call_arrives_as_call_upsert_and_rejectCall_tells_the_Baileys_caller()
    {
        var placed = Instance.Emulator.Emulator.PlaceCall(fixture.BobAccount, Instance.Account);

        var offer = await Instance.WaitForEventAsync(InstanceEventNames.CallUpsert,
            d => d.GetProperty("id").GetString() == placed.CallId && d.GetProperty("status").GetString() == "offer");
        Assert.Equal(fixture.BobAccount.PnJid, offer.GetProperty("from").GetString());
        Assert.False(offer.GetProperty("isVideo").GetBoolean());
        Assert.False(offer.GetProperty("isGroup").GetBoolean());

        var (status, body) = await Instance.PostAsync("/chat/rejectCall", new { callId = placed.CallId, callFrom = offer.GetProperty("from").GetString() });
        Assert.Equal(200, status);
        Assert.True(body.GetProperty("rejected").GetBoolean());
        Assert.Equal("rejected", body.GetProperty("status").GetString());
        Assert.Equal(placed.CallId, body.GetProperty("call").GetProperty("callId").GetString());

        // Bob's Baileys (a device of the caller) sees the call rejected, by the instance's account.
        var rejected = await fixture.Bob.WaitForEventAsync("call",
            e => e["id"]?.GetValue<string>() == placed.CallId && e["status"]?.GetValue<string>() == "reject", cancellationToken: Ct);
        // Baileys reports the stanza's sender as chatId and the call's creator as from.
        Assert.Equal(Instance.Account.PnJid, rejected["chatId"]!.GetValue<string>());
        Assert.Equal(Instance.Device.PnJid, placed.RejectedBy);
        Assert.Equal(fixture.BobAccount.PnJid, placed.RejectCreator);
        Assert.Equal("0", placed.RejectCount);

        (status, body) = await Instance.PostAsync("/chat/rejectCall", new { callFrom = fixture.BobAccount.PnJid });
        AssertNames(status, body, "callId");
        (status, body) = await Instance.PostAsync("/chat/rejectCall", new { callId = placed.CallId });
        AssertNames(status, body, "callFrom");
        Assert.Equal(400, (await Instance.PostAsync("/chat/rejectCall", new { callId = placed.CallId, callFrom = "not a jid" })).Status);
        Assert.Equal(404, (await Instance.PostAsync("/chat/rejectCall", new { callId = placed.CallId, callFrom = fixture.BobAccount.PnJid }, MissingInstance())).Status);
        Assert.Equal(401, await WithBadKeyAsync(HttpMethod.Post, $"/chat/rejectCall/{Instance.Name}", new { callId = placed.CallId, callFrom = fixture.BobAccount.PnJid }));
    }

    [Fact]
    public async Task AssertSessions_fetches_prekeys_for_devices_without_a_session_and_only_for_them()
    {
        // Dave's Baileys never exchanged a message with the instance: asserting fetches his bundles.
        var before = PreKeyFetches();
        var (status, body) = await Instance.PostAsync("/chat/assertSessions", new { numbers = new[] { fixture.DaveAccount.Phone } });
        Assert.Equal(200, status);
        Assert.Equal("Session asserted", body.GetProperty("message").GetString());
        var afterFirst = PreKeyFetches();
        Assert.True(afterFirst > before, "the first assert fetched no prekey bundle");

        // Every session exists now: nothing is fetched again, and a message to Dave decrypts on his side.
        (status, _) = await Instance.PostAsync("/chat/assertSessions", new { numbers = new[] { fixture.DaveAccount.Phone } });
        Assert.Equal(200, status);
        Assert.Equal(afterFirst, PreKeyFetches());
        var text = "after assert " + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(201, (await Instance.SendTextAsync(fixture.DaveAccount.Phone, text)).Status);
        await fixture.Dave.WaitForTextAsync(text, cancellationToken: Ct);

        (status, body) = await Instance.PostAsync("/chat/assertSessions", new { });
        AssertNames(status, body, "numbers");
        (status, body) = await Instance.PostAsync("/chat/assertSessions", new { numbers = new[] { "abc" } });
        AssertNames(status, body, "numbers[0]");
        (status, body) = await Instance.PostAsync("/chat/assertSessions", new { numbers = new[] { "5599912345678" } });
        Assert.Equal(400, status);
        Assert.False(body.GetProperty("message")[0].GetProperty("exists").GetBoolean());
        Assert.Equal(404, (await Instance.PostAsync("/chat/assertSessions", new { numbers = new[] { fixture.DaveAccount.Phone } }, MissingInstance())).Status);
        Assert.Equal(401, await WithBadKeyAsync(HttpMethod.Post, $"/chat/assertSessions/{Instance.Name}", new { numbers = new[] { fixture.DaveAccount.Phone } }));
    }

    [Fact]
    public async Task A_blocked_contact_is_listed_and_its_messages_never_arrive_until_unblocked()
    {
        var (status, body) = await Instance.RequestAsync(HttpMethod.Put, "/chat/blockContact", $"?number={fixture.CarolAccount.Phone}", new { action = "block" });
        Assert.Equal(200, status);
        Assert.Equal(fixture.CarolAccount.PnJid, body.GetProperty("wuid").GetString());
        Assert.True(body.GetProperty("blocked").GetBoolean());
        Assert.Contains(fixture.CarolAccount, Instance.Emulator.Emulator.BlockedBy(Instance.Account));
        var (listStatus, list) = await Instance.RequestAsync(HttpMethod.Get, "/chat/fetchBlockedList");
        Assert.Equal(200, listStatus);
        Assert.Contains(fixture.CarolAccount.PnJid, list.EnumerateArray().Select(j => j.GetString()));

        // Carol writes while blocked (WhatsApp acks her, never delivers), then after the unblock.
        var blockedText = "while blocked " + Guid.NewGuid().ToString("N")[..8];
        var blockedId = await fixture.Carol.SendTextAsync(Instance.Account.PnJid, blockedText, Ct);
        // Unblock only once the server has routed (and dropped) it: Carol's connection is not ours.
        await WaitUntilAsync(() => Instance.Emulator.Emulator.Journal.Any(e => e.Direction == StanzaDirection.Dropped && e.Id == blockedId && e.Tag == "message"));
        (status, body) = await Instance.RequestAsync(HttpMethod.Put, "/chat/blockContact", "", new { number = fixture.CarolAccount.Phone, action = "unblock" });
        Assert.Equal(200, status);
        Assert.False(body.GetProperty("blocked").GetBoolean());
        Assert.DoesNotContain(fixture.CarolAccount, Instance.Emulator.Emulator.BlockedBy(Instance.Account));
        var laterText = "after unblock " + Guid.NewGuid().ToString("N")[..8];
        await fixture.Carol.SendTextAsync(Instance.Account.PnJid, laterText, Ct);
        await Instance.WaitForEventAsync(InstanceEventNames.NewMessage, d => d.GetRawText().Contains(laterText, StringComparison.Ordinal));
        // Carol's messages travel in order: the later one arrived, the blocked one was dropped by the server.
        Assert.DoesNotContain(await Instance.Host.EventsAsync(Instance.Name), e => e.DataJson.Contains(blockedText, StringComparison.Ordinal));

        (status, body) = await Instance.RequestAsync(HttpMethod.Put, "/chat/blockContact", $"?number={fixture.CarolAccount.Phone}", new { action = "mute" });
        AssertNames(status, body, "action");
        (status, body) = await Instance.RequestAsync(HttpMethod.Put, "/chat/blockContact", "", new { action = "block" });
        AssertNames(status, body, "number");
        Assert.Equal(404, await StatusAsync(HttpMethod.Get, $"/chat/fetchBlockedList/{MissingInstance()}"));
        Assert.Equal(404, await StatusAsync(HttpMethod.Put, $"/chat/blockContact/{MissingInstance()}?number={fixture.CarolAccount.Phone}", new { action = "block" }));
        Assert.Equal(401, await WithBadKeyAsync(HttpMethod.Get, $"/chat/fetchBlockedList/{Instance.Name}"));
        Assert.Equal(401, await WithBadKeyAsync(HttpMethod.Put, $"/chat/blockContact/{Instance.Name}?number={fixture.CarolAccount.Phone}", new { action = "block" }));
    }

    [Fact]
    public async Task WhatsappNumbers_refuses_lookups_beyond_the_instance_rate_limit_and_answers_cached_numbers()
    {
        // Three lookups an hour: nothing refills during the test, so no timing is involved.
        await using var limited = await SendingInstance.StartAsync(postgres, Instance.Emulator, new Dictionary<string, string?>
        {
            ["Messaging:NumberCheckRateLimit"] = "3",
            ["Messaging:NumberCheckRateWindow"] = "01:00:00",
        });
        var checkedAtFirst = new[] { fixture.BobAccount.Phone, fixture.CarolAccount.Phone };
        Assert.Equal(200, (await limited.PostAsync("/chat/whatsappNumbers", new { numbers = checkedAtFirst })).Status);
        var usyncs = ContactLookups(limited);

        // Two new numbers with one lookup left: refused whole, WhatsApp not asked.
        using (var response = await limited.Host.Http.PostAsJsonAsync($"/chat/whatsappNumbers/{limited.Name}",
            new { numbers = new[] { fixture.DaveAccount.Phone, "5511900000001" } }, Ct))
        {
            Assert.Equal(429, (int)response.StatusCode);
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            Assert.Contains("NumberCheckRateLimit", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        Assert.Equal(usyncs, ContactLookups(limited));

        // Cached answers cost nothing; the last lookup is spent, and then the next new number is refused.
        var (status, body) = await limited.PostAsync("/chat/whatsappNumbers", new { numbers = checkedAtFirst });
        Assert.Equal(200, status);
        Assert.All(body.EnumerateArray(), answer => Assert.True(answer.GetProperty("exists").GetBoolean()));
        Assert.Equal(usyncs, ContactLookups(limited));
        Assert.Equal(200, (await limited.PostAsync("/chat/whatsappNumbers", new { numbers = new[] { fixture.DaveAccount.Phone } })).Status);
        Assert.Equal(429, (await limited.PostAsync("/chat/whatsappNumbers", new { numbers = new[] { "5511900000002" } })).Status);
    }

    [Fact]
    public async Task The_public_media_link_of_new_message_serves_the_bytes_without_a_key_until_it_expires()
    {
        var png = Convert.FromBase64String(TinyPngBase64);
        var caption = "public link " + Guid.NewGuid().ToString("N")[..8];
        await fixture.Bob.CommandAsync("sendMedia", new { to = Instance.Account.PnJid, base64 = TinyPngBase64, caption, mimetype = "image/png" }, cancellationToken: Ct);
        var received = await Instance.WaitForEventAsync(InstanceEventNames.NewMessage, d => d.GetRawText().Contains(caption, StringComparison.Ordinal));
        var path = received.GetProperty("media").GetProperty("path").GetString()!;
        Assert.StartsWith("/chat/public/image/download?q=", path, StringComparison.Ordinal);

        // No API key: the token is the credential.
        using var anonymous = Instance.Host.CreateClient();
        using (var response = await anonymous.GetAsync(path, Ct))
        {
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(png, await response.Content.ReadAsByteArrayAsync(Ct));
        }

        // One character changed anywhere in the token: refused.
        var token = Uri.UnescapeDataString(path[(path.IndexOf("q=", StringComparison.Ordinal) + 2)..]);
        var middle = token.Length / 2;
        var tampered = token[..middle] + (token[middle] == 'A' ? 'B' : 'A') + token[(middle + 1)..];
        Assert.Equal(403, await AnonymousStatusAsync(anonymous, $"/chat/public/image/download?q={Uri.EscapeDataString(tampered)}"));
        // A token that expired (made by the host's own issuer, so only its time is wrong): gone.
        var expired = Instance.Host.Services.GetRequiredService<PublicMediaLinks>()
            .Create(Instance.Name, received.GetProperty("id").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal(410, await AnonymousStatusAsync(anonymous, $"/chat/public/image/download?q={Uri.EscapeDataString(expired)}"));
        var (status, body) = await Instance.Host.GetAsync("/chat/public/image/download");
        AssertNames(status, body, "q");
        (status, body) = await Instance.Host.GetAsync($"/chat/public/pdf/download?q={Uri.EscapeDataString(token)}");
        AssertNames(status, body, "type");
    }

    private static async Task<int> AnonymousStatusAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        return (int)response.StatusCode;
    }

    /// <summary>usync contact queries an instance's device has sent so far.</summary>
    private static int ContactLookups(SendingInstance instance) => instance.Emulator.Emulator.Journal.Count(e =>
        e.Direction == StanzaDirection.FromClient && e.Device == instance.Device.PnJid && e.Tag == "iq"
        && e.Summary.Contains("xmlns=\"usync\"", StringComparison.Ordinal) && e.Summary.Contains("<contact", StringComparison.Ordinal));

    /// <summary>Encrypt iqs asking for prekey bundles that our device has sent so far.</summary>
    private int PreKeyFetches() => Instance.Emulator.Emulator.Journal.Count(e =>
        e.Direction == StanzaDirection.FromClient && e.Device == Instance.Device.PnJid && e.Tag == "iq"
        && e.Summary.Contains("xmlns=\"encrypt\"", StringComparison.Ordinal) && e.Summary.Contains("<key>", StringComparison.Ordinal));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + SendingInstance.Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not so within {SendingInstance.Patience}.");
            await Task.Delay(50, Ct);
        }
    }

    private static string MissingInstance() => "no-such-" + Guid.NewGuid().ToString("N")[..6];

    private static void AssertNames(int status, JsonElement body, string field)
    {
        Assert.Equal(400, status);
        Assert.Contains(field, body.GetProperty("message").GetRawText(), StringComparison.Ordinal);
    }

    private async Task<int> StatusAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await Instance.Host.Http.SendAsync(request, Ct);
        return (int)response.StatusCode;
    }

    private async Task<int> WithBadKeyAsync(HttpMethod method, string path, object? body = null)
    {
        using var client = Instance.Host.CreateClient();
        client.DefaultRequestHeaders.Add("apikey", "not-the-key");
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await client.SendAsync(request, Ct);
        return (int)response.StatusCode;
    }
}
