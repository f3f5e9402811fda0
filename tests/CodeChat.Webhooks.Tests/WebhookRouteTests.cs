using System.Text.Json;

namespace CodeChat.Webhooks.Tests;

/// <summary>PUT /webhook/set and GET /webhook/find through the real pipeline on real PostgreSQL.</summary>
public sealed class WebhookRouteTests(WebhookSiloFixture fixture) : IClassFixture<WebhookSiloFixture>
{
    private WebhookSilo Silo => fixture.Silo;

    private static string UniqueName() => "wh-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Set_answers_201_with_the_row_and_the_secret_once_and_find_shows_the_row_without_it()
    {
        var name = UniqueName();
        var (id, _) = await Silo.CreateInstanceAsync(name);

        var (status, body) = await Silo.SetWebhookAsync(name, """{"url":"http://127.0.0.1:9/hook","enabled":true}""");
        Assert.Equal(201, status);
        Assert.Equal("http://127.0.0.1:9/hook", body.GetProperty("url").GetString());
        Assert.True(body.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("events").ValueKind);
        Assert.Equal(id, body.GetProperty("instanceId").GetInt64());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", body.GetProperty("createdAt").GetString());
        var secret = body.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret[6..]).Length);

        var (againStatus, again) = await Silo.SetWebhookAsync(name, """{"url":"http://127.0.0.1:9/other","enabled":false}""");
        Assert.Equal(201, againStatus);
        Assert.False(again.TryGetProperty("secret", out _));
        Assert.Equal(body.GetProperty("id").GetInt64(), again.GetProperty("id").GetInt64());

        var (findStatus, found) = await Silo.GetJsonAsync($"/webhook/find/{name}");
        Assert.Equal(200, findStatus);
        Assert.Equal("http://127.0.0.1:9/other", found.GetProperty("url").GetString());
        Assert.False(found.GetProperty("enabled").GetBoolean());
        Assert.False(found.TryGetProperty("secret", out _));
        Assert.DoesNotContain(secret[6..], found.GetRawText());
    }

    [Fact]
    public async Task Find_answers_null_before_any_set_and_404_for_a_missing_instance()
    {
        var name = UniqueName();
        await Silo.CreateInstanceAsync(name);
        var (status, body) = await Silo.GetJsonAsync($"/webhook/find/{name}");
        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.Null, body.ValueKind);

        var (missing, envelope) = await Silo.GetJsonAsync($"/webhook/find/{UniqueName()}");
        Assert.Equal(404, missing);
        Assert.Equal("Instance not found", envelope.GetProperty("message")[0].GetString());
        var (setMissing, _) = await Silo.SetWebhookAsync(UniqueName(), """{"url":"http://127.0.0.1:9/","enabled":true}""");
        Assert.Equal(404, setMissing);
    }

    [Fact]
    public async Task The_delivery_log_and_dead_letters_name_a_bad_query_value_in_a_400_and_the_global_log_needs_the_global_key()
    {
        var name = UniqueName();
        var (_, token) = await Silo.CreateInstanceAsync(name);
        foreach (var route in new[] { "deliveries", "deadLetters" })
        {
            foreach (var (query, property) in new[]
            {
                ("limit=0", "limit"), ("limit=501", "limit"), ("before=x", "before"), ("eventId=not-a-uuid", "eventId"), ("endpoint=other", "endpoint"),
            })
            {
                var (status, envelope) = await Silo.GetJsonAsync($"/webhook/{route}/{name}?{query}");
                Assert.True(status == 400, $"{route}?{query} answered {status}");
                Assert.Equal(property, envelope.GetProperty("message")[0].GetProperty("property").GetString());
            }
            // Empty values count as absent; a fresh instance has an empty log.
            var (emptyStatus, empty) = await Silo.GetJsonAsync($"/webhook/{route}/{name}?limit=&before=&eventId=&endpoint=");
            Assert.Equal(200, emptyStatus);
            Assert.Equal(0, empty.GetArrayLength());
            Assert.Equal(200, (await Silo.GetJsonAsync($"/webhook/{route}/{name}?endpoint=instance&limit=500", apiKey: token)).Status);
            Assert.Equal(401, (await Silo.GetJsonAsync($"/webhook/{route}/{name}?endpoint=global", apiKey: token)).Status);
            Assert.Equal(200, (await Silo.GetJsonAsync($"/webhook/{route}/{name}?endpoint=global")).Status);
        }
    }

    [Fact]
    public async Task The_instance_token_may_set_its_own_webhook_and_no_other()
    {
        var name = UniqueName();
        var (_, token) = await Silo.CreateInstanceAsync(name);
        var other = UniqueName();
        await Silo.CreateInstanceAsync(other);

        Assert.Equal(201, (await Silo.SetWebhookAsync(name, """{"url":"http://127.0.0.1:9/","enabled":true}""", apiKey: token)).Status);
        Assert.Equal(401, (await Silo.SetWebhookAsync(other, """{"url":"http://127.0.0.1:9/","enabled":true}""", apiKey: token)).Status);
        Assert.Equal(401, (await Silo.SetWebhookAsync(name, """{"url":"http://127.0.0.1:9/","enabled":true}""", apiKey: "wrong")).Status);
    }

    [Fact]
    public async Task Events_take_v3_flags_and_13_aliases_merge_per_key_and_unknown_flags_are_named_in_a_400()
    {
        var name = UniqueName();
        await Silo.CreateInstanceAsync(name);

        // 1.3 names: messagesUpsert → newMessage, connectionUpdated → connectionUpdate; statusInstance is accepted, inert.
        var (status, body) = await Silo.SetWebhookAsync(name,
            """{"url":"http://127.0.0.1:9/","enabled":true,"events":{"messagesUpsert":true,"connectionUpdated":true,"statusInstance":true,"qrcodeUpdated":false}}""");
        Assert.Equal(201, status);
        var events = body.GetProperty("events");
        Assert.True(events.GetProperty("newMessage").GetBoolean());
        Assert.True(events.GetProperty("connectionUpdate").GetBoolean());
        Assert.False(events.GetProperty("qrcodeUpdated").GetBoolean());
        Assert.False(events.GetProperty("messagesUpdate").GetBoolean());
        // The seed's 24 flags, 1.3's callUpsert and our 3 passkey flags (README "Passkey-required accounts").
        Assert.Equal(28, events.EnumerateObject().Count());
        Assert.False(events.GetProperty("callUpsert").GetBoolean());
        Assert.False(events.GetProperty("passkeyConfirmation").GetBoolean());

        // Per-key merge: only the keys sent change.
        (status, body) = await Silo.SetWebhookAsync(name, """{"url":"http://127.0.0.1:9/","enabled":true,"events":{"qrcodeUpdated":true,"passkeyRequest":true}}""");
        Assert.Equal(201, status);
        Assert.True(body.GetProperty("events").GetProperty("qrcodeUpdated").GetBoolean());
        Assert.True(body.GetProperty("events").GetProperty("passkeyRequest").GetBoolean());
        Assert.True(body.GetProperty("events").GetProperty("newMessage").GetBoolean());

        // An alias never switches off what its canonical flag in the same request switches on.
        (status, body) = await Silo.SetWebhookAsync(name,
            """{"url":"http://127.0.0.1:9/","enabled":true,"events":{"groupParticipantUpdate":true,"groupsParticipantsUpdated":false}}""");
        Assert.True(body.GetProperty("events").GetProperty("groupParticipantUpdate").GetBoolean());

        var (bad, envelope) = await Silo.SetWebhookAsync(name,
            """{"url":"http://127.0.0.1:9/","enabled":true,"events":{"newMessage":true,"bogusFlag":true,"alsoWrong":false}}""");
        Assert.Equal(400, bad);
        var failure = envelope.GetProperty("message")[0];
        Assert.Equal("events", failure.GetProperty("property").GetString());
        Assert.Contains("bogusFlag", failure.GetProperty("message").GetString());
        Assert.Contains("alsoWrong", failure.GetProperty("message").GetString());

        // events:null selects everything again.
        (status, body) = await Silo.SetWebhookAsync(name, """{"url":"http://127.0.0.1:9/","enabled":true,"events":null}""");
        Assert.Equal(JsonValueKind.Null, body.GetProperty("events").ValueKind);
    }

    [Theory]
    [InlineData("""{"enabled":true}""", "instance")]
    [InlineData("""{"url":"","enabled":true}""", "url")]
    [InlineData("""{"url":5,"enabled":true}""", "url")]
    [InlineData("""{"url":"http://127.0.0.1:9/"}""", "instance")]
    [InlineData("""{"url":"http://127.0.0.1:9/","enabled":"yes"}""", "enabled")]
    [InlineData("""{"url":"http://127.0.0.1:9/","enabled":true,"events":{"newMessage":1}}""", "events.newMessage")]
    [InlineData("""{"url":"http://127.0.0.1:9/","enabled":true,"events":[]}""", "events")]
    [InlineData("""{"url":"not a url","enabled":true}""", "url")]
    [InlineData("""{"url":"ftp://127.0.0.1/x","enabled":true}""", "url")]
    [InlineData("""{"url":"/relative","enabled":true}""", "url")]
    public async Task Malformed_bodies_are_400_naming_the_field(string json, string property)
    {
        var name = UniqueName();
        await Silo.CreateInstanceAsync(name);
        var (status, body) = await Silo.SetWebhookAsync(name, json);
        Assert.Equal(400, status);
        Assert.Contains(body.GetProperty("message").EnumerateArray(), failure => failure.GetProperty("property").GetString() == property);
    }

    [Theory]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://192.168.1.10:8080/hook")]
    [InlineData("http://172.16.0.1/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://100.100.100.200/")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[fd00:ec2::254]/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://[::ffff:10.0.0.1]/")]
    [InlineData("http://0.0.0.0/")]
    public async Task Private_link_local_and_metadata_targets_are_400(string url)
    {
        var name = UniqueName();
        await Silo.CreateInstanceAsync(name);
        var (status, body) = await Silo.SetWebhookAsync(name, $$"""{"url":"{{url}}","enabled":true}""");
        Assert.Equal(400, status);
        var failure = body.GetProperty("message")[0];
        Assert.Equal("url", failure.GetProperty("property").GetString());
        Assert.Contains("may not reach", failure.GetProperty("message").GetString());
    }

    [Fact]
    public async Task FetchInstance_and_fetchInstances_show_the_webhook_row_instead_of_null()
    {
        var name = UniqueName();
        await Silo.CreateInstanceAsync(name);
        var (_, before) = await Silo.GetJsonAsync($"/instance/fetchInstance/{name}");
        Assert.Equal(JsonValueKind.Null, before.GetProperty("Webhook").ValueKind);

        var (_, set) = await Silo.SetWebhookAsync(name, """{"url":"http://127.0.0.1:9/fetched","enabled":true,"events":{"newMessage":true}}""");
        var (_, one) = await Silo.GetJsonAsync($"/instance/fetchInstance/{name}");
        var webhook = one.GetProperty("Webhook");
        Assert.Equal(set.GetProperty("id").GetInt64(), webhook.GetProperty("id").GetInt64());
        Assert.Equal("http://127.0.0.1:9/fetched", webhook.GetProperty("url").GetString());
        Assert.True(webhook.GetProperty("events").GetProperty("newMessage").GetBoolean());
        Assert.False(webhook.TryGetProperty("secret", out _));

        var (_, listed) = await Silo.GetJsonAsync($"/instance/fetchInstances?instanceName={name}");
        Assert.Equal("http://127.0.0.1:9/fetched", listed[0].GetProperty("Webhook").GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_recreated_instance_does_not_inherit_the_webhook_of_its_name()
    {
        var name = UniqueName();
        await Silo.CreateInstanceAsync(name);
        await Silo.SetWebhookAsync(name, """{"url":"http://127.0.0.1:9/old","enabled":true}""");
        using (var client = Silo.Api())
            Assert.True((await client.DeleteAsync($"/instance/delete/{name}", TestContext.Current.CancellationToken)).IsSuccessStatusCode);
        await Silo.CreateInstanceAsync(name);

        var (_, found) = await Silo.GetJsonAsync($"/webhook/find/{name}");
        Assert.Equal(JsonValueKind.Null, found.ValueKind);
        var (status, set) = await Silo.SetWebhookAsync(name, """{"url":"http://127.0.0.1:9/new","enabled":true}""");
        Assert.Equal(201, status);
        Assert.StartsWith("whsec_", set.GetProperty("secret").GetString());
    }
}
