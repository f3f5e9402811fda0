using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CodeChat.Api.Tests;

/// <summary>The /instance routes through the real HTTP pipeline of the silo host on real PostgreSQL.</summary>
public sealed class InstanceApiTests(SiloApiFixture fixture) : IClassFixture<SiloApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(string? apiKey = SiloApiFixture.GlobalApiKey, string? bearer = null)
    {
        var client = fixture.Factory.CreateClient();
        if (apiKey is not null)
            client.DefaultRequestHeaders.Add("apikey", apiKey);
        if (bearer is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    private static string UniqueName() => "api-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<(string Name, string Token, JsonElement Body)> CreateAsync(string? description = "first")
    {
        var name = UniqueName();
        var payload = description is null
            ? $$"""{"instanceName":"{{name}}"}"""
            : $$"""{"instanceName":"{{name}}","description":"{{description}}","externalAttributes":""" + """{"crm":{"id":7}}}""";
        var response = await Client().PostAsync("/instance/create", Json(payload), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await BodyAsync(response);
        return (name, body.GetProperty("Auth").GetProperty("token").GetString()!, body);
    }

    private static async Task AssertEnvelopeAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await BodyAsync(response);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.Equal(error, body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Create_answers_201_with_the_record_and_a_CodeChat_token()
    {
        var (name, token, body) = await CreateAsync();

        Assert.True(body.GetProperty("id").GetInt64() > 0);
        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.Equal("first", body.GetProperty("description").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", body.GetProperty("createdAt").GetString());
        Assert.Equal(3, token.Split('.').Length);
        // A number, as 1.3's Auth row id; the token's own id (a ULID) stays inside the JWT.
        Assert.Equal(body.GetProperty("id").GetInt64(), body.GetProperty("Auth").GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Create_and_list_need_the_global_key_403_when_missing_401_when_wrong()
    {
        var missing = await Client(apiKey: null).PostAsync("/instance/create", Json($$"""{"instanceName":"{{UniqueName()}}"}"""), Ct);
        await AssertEnvelopeAsync(missing, HttpStatusCode.Forbidden, "Forbidden");
        var message = (await BodyAsync(missing)).GetProperty("message");
        Assert.Equal("Missing global api key", message[0].GetString());
        Assert.Equal("The global api key must be set", message[1].GetString());

        var wrong = await Client(apiKey: "wrong").GetAsync("/instance/fetchInstances", Ct);
        await AssertEnvelopeAsync(wrong, HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.False((await BodyAsync(wrong)).TryGetProperty("message", out _));

        await AssertEnvelopeAsync(await Client(apiKey: null).GetAsync("/instance/fetchInstances", Ct), HttpStatusCode.Forbidden, "Forbidden");
        var (_, token, _) = await CreateAsync();
        await AssertEnvelopeAsync(await Client(apiKey: null, bearer: token).GetAsync("/instance/fetchInstances", Ct),
            HttpStatusCode.Forbidden, "Forbidden");
    }

    [Fact]
    public async Task An_instance_token_opens_its_own_instance_only_as_Bearer_or_apikey()
    {
        var (name, token, _) = await CreateAsync();
        var (other, _, _) = await CreateAsync();

        Assert.Equal(HttpStatusCode.OK, (await Client(apiKey: null, bearer: token).GetAsync($"/instance/fetchInstance/{name}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client(apiKey: token).GetAsync($"/instance/fetchInstance/{name}", Ct)).StatusCode);

        await AssertEnvelopeAsync(await Client(apiKey: null, bearer: token).GetAsync($"/instance/fetchInstance/{other}", Ct),
            HttpStatusCode.Unauthorized, "Unauthorized");
        await AssertEnvelopeAsync(await Client(apiKey: token).GetAsync($"/instance/fetchInstance/{other}", Ct),
            HttpStatusCode.Unauthorized, "Unauthorized");
        await AssertEnvelopeAsync(await Client(apiKey: null).GetAsync($"/instance/fetchInstance/{name}", Ct),
            HttpStatusCode.Unauthorized, "Unauthorized");
        await AssertEnvelopeAsync(await Client(apiKey: null, bearer: token + "x").GetAsync($"/instance/fetchInstance/{name}", Ct),
            HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Fact]
    public async Task Fetch_lists_all_or_one_and_fetchInstance_shows_the_closed_connection()
    {
        var (name, token, _) = await CreateAsync();

        var all = await BodyAsync(await Client().GetAsync("/instance/fetchInstances", Ct));
        Assert.Contains(all.EnumerateArray(), i => i.GetProperty("name").GetString() == name);

        var one = await BodyAsync(await Client().GetAsync($"/instance/fetchInstances?instanceName={name}", Ct));
        var listed = Assert.Single(one.EnumerateArray());
        Assert.Equal("OFFLINE", listed.GetProperty("connectionStatus").GetString());
        Assert.Equal(7, listed.GetProperty("externalAttributes").GetProperty("crm").GetProperty("id").GetInt32());
        Assert.Equal(token, listed.GetProperty("Auth").GetProperty("token").GetString());

        var detail = await BodyAsync(await Client().GetAsync($"/instance/fetchInstance/{name}", Ct));
        Assert.Equal("close", detail.GetProperty("Whatsapp").GetProperty("connection").GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, detail.GetProperty("Webhook").ValueKind);

        var unknown = await Client().GetAsync($"/instance/fetchInstances?instanceName={UniqueName()}", Ct);
        await AssertEnvelopeAsync(unknown, HttpStatusCode.NotFound, "Not Found");
        var missing = await Client().GetAsync($"/instance/fetchInstance/{UniqueName()}", Ct);
        await AssertEnvelopeAsync(missing, HttpStatusCode.NotFound, "Not Found");
        Assert.Equal("Instance not found", (await BodyAsync(missing)).GetProperty("message")[0].GetString());
    }

    [Fact]
    public async Task Update_takes_the_description_from_the_query_or_the_body()
    {
        var (name, token, _) = await CreateAsync();

        var fromQuery = await Client(apiKey: null, bearer: token).PatchAsync($"/instance/update/{name}?description=from%20query", null, Ct);
        Assert.Equal(HttpStatusCode.OK, fromQuery.StatusCode);
        Assert.Equal("from query", (await BodyAsync(fromQuery)).GetProperty("description").GetString());

        var fromBody = await Client().PatchAsync($"/instance/update/{name}", Json("""{"description":"from body","externalAttributes":[1,2]}"""), Ct);
        var body = await BodyAsync(fromBody);
        Assert.Equal("from body", body.GetProperty("description").GetString());
        Assert.Equal(2, body.GetProperty("externalAttributes").GetArrayLength());

        var fetched = await BodyAsync(await Client().GetAsync($"/instance/fetchInstance/{name}", Ct));
        Assert.Equal("from body", fetched.GetProperty("description").GetString());

        await AssertEnvelopeAsync(await Client().PatchAsync($"/instance/update/{UniqueName()}?description=x", null, Ct),
            HttpStatusCode.NotFound, "Not Found");
    }

    [Fact]
    public async Task RefreshToken_takes_the_old_token_in_the_body_alone_and_the_old_one_stops_working()
    {
        var (name, oldToken, _) = await CreateAsync();

        // As CodeChat 1.3: no header at all, the body's oldToken is the credential.
        var refreshed = await Client(apiKey: null).PutAsync(
            $"/instance/refreshToken/{name}", Json($$"""{"oldToken":"{{oldToken}}"}"""), Ct);
        Assert.Equal(HttpStatusCode.Created, refreshed.StatusCode);
        var body = await BodyAsync(refreshed);
        var newToken = body.GetProperty("token").GetString()!;
        Assert.NotEqual(oldToken, newToken);
        Assert.True(body.GetProperty("instanceId").GetInt64() > 0);

        await AssertEnvelopeAsync(await Client(apiKey: null, bearer: oldToken).GetAsync($"/instance/fetchInstance/{name}", Ct),
            HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Equal(HttpStatusCode.OK, (await Client(apiKey: null, bearer: newToken).GetAsync($"/instance/fetchInstance/{name}", Ct)).StatusCode);

        // A stale token is refused even with the global key in the header: only the body counts.
        var stale = await Client().PutAsync($"/instance/refreshToken/{name}", Json($$"""{"oldToken":"{{oldToken}}"}"""), Ct);
        await AssertEnvelopeAsync(stale, HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Equal("Invalid \"oldToken\"", (await BodyAsync(stale)).GetProperty("message")[0].GetString());

        var missing = await Client().PutAsync($"/instance/refreshToken/{name}", Json("{}"), Ct);
        await AssertEnvelopeAsync(missing, HttpStatusCode.BadRequest, "Bad Request");
        Assert.Contains("oldToken", (await BodyAsync(missing)).GetProperty("message")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task RefreshToken_refuses_a_wrong_foreign_or_orphaned_token_with_401()
    {
        var (name, token, _) = await CreateAsync();
        var (other, otherToken, _) = await CreateAsync();
        var (gone, goneToken, _) = await CreateAsync();
        Assert.Equal(HttpStatusCode.OK, (await Client().DeleteAsync($"/instance/delete/{gone}", Ct)).StatusCode);

        foreach (var (path, presented) in new[]
        {
            (name, "not-a-jwt"),
            (name, token[..^2] + (token[^2] == 'A' ? "BB" : "AA")), // the signature no longer matches
            (name, otherToken),                                      // another instance's token
            (other, token),
            (gone, goneToken),                                       // its instance was deleted
            (UniqueName(), token),
        })
        {
            var refused = await Client(apiKey: null).PutAsync($"/instance/refreshToken/{path}", Json($$"""{"oldToken":"{{presented}}"}"""), Ct);
            await AssertEnvelopeAsync(refused, HttpStatusCode.Unauthorized, "Unauthorized");
        }

        // Nothing was rotated by the refused attempts.
        Assert.Equal(HttpStatusCode.OK, (await Client(apiKey: null, bearer: token).GetAsync($"/instance/fetchInstance/{name}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client(apiKey: null, bearer: otherToken).GetAsync($"/instance/fetchInstance/{other}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Delete_answers_the_deleted_record_and_the_instance_is_gone_after()
    {
        var (name, token, _) = await CreateAsync();

        var deleted = await Client().DeleteAsync($"/instance/delete/{name}?force=true", Ct);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var body = await BodyAsync(deleted);
        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.String, body.GetProperty("deletedAt").ValueKind);

        await AssertEnvelopeAsync(await Client().GetAsync($"/instance/fetchInstance/{name}", Ct), HttpStatusCode.NotFound, "Not Found");
        await AssertEnvelopeAsync(await Client().DeleteAsync($"/instance/delete/{name}", Ct), HttpStatusCode.NotFound, "Not Found");
        await AssertEnvelopeAsync(await Client(apiKey: null, bearer: token).GetAsync($"/instance/fetchInstance/{name}", Ct),
            HttpStatusCode.Unauthorized, "Unauthorized");
        var all = await BodyAsync(await Client().GetAsync("/instance/fetchInstances", Ct));
        Assert.DoesNotContain(all.EnumerateArray(), i => i.GetProperty("name").GetString() == name);
    }

    [Theory]
    [InlineData("""{"instanceName":"a/b"}""", "instanceName")]
    [InlineData("""{"instanceName":"a\\b"}""", "instanceName")]
    [InlineData("""{"instanceName":"a?b"}""", "instanceName")]
    [InlineData("""{"instanceName":"a#b"}""", "instanceName")]
    [InlineData("""{"instanceName":"100%"}""", "instanceName")]
    [InlineData("""{"instanceName":"tab\there"}""", "instanceName")]
    [InlineData("""{"instanceName":"bell\u0007"}""", "instanceName")]
    [InlineData("""{"instanceName":"c1\u0085"}""", "instanceName")]
    [InlineData("""{"instanceName":"lone \ud800 surrogate"}""", "instanceName")]
    [InlineData("""{"instanceName":"."}""", "instanceName")]
    [InlineData("""{"instanceName":".."}""", "instanceName")]
    [InlineData("""{"instanceName":42}""", "instanceName")]
    [InlineData("""{"instanceName":""}""", "instanceName")]
    [InlineData("""{"description":"no name"}""", "instanceName")]
    [InlineData("""{"instanceName":"ok-name","description":""}""", "description")]
    [InlineData("""{"instanceName": "x",""", "body")]
    [InlineData("""[1,2]""", "instance")]
    public async Task Create_with_a_bad_body_answers_400_naming_the_field(string payload, string field)
    {
        var response = await Client().PostAsync("/instance/create", Json(payload), Ct);

        await AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, "Bad Request");
        var failure = (await BodyAsync(response)).GetProperty("message")[0];
        var named = failure.GetProperty("property").GetString() + " " + failure.GetProperty("message").GetString();
        Assert.Contains(field, named);
    }

    [Fact]
    public async Task Names_of_up_to_255_characters_are_taken_and_one_more_is_refused()
    {
        // Counted in characters as CodeChat 1.3's VARCHAR(255): 255 non-BMP characters are 510 UTF-16 units.
        var longest = Guid.NewGuid().ToString("N") + string.Concat(Enumerable.Repeat("😀", 255 - 32));
        var created = await Client().PostAsync("/instance/create", Json(JsonSerializer.Serialize(new { instanceName = longest })), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var fetched = await Client().GetAsync($"/instance/fetchInstance/{Uri.EscapeDataString(longest)}", Ct);
        Assert.Equal(longest, (await BodyAsync(fetched)).GetProperty("name").GetString());

        var tooLong = await Client().PostAsync("/instance/create", Json(JsonSerializer.Serialize(new { instanceName = longest + "x" })), Ct);
        await AssertEnvelopeAsync(tooLong, HttpStatusCode.BadRequest, "Bad Request");
        Assert.Equal("instanceName", (await BodyAsync(tooLong)).GetProperty("message")[0].GetProperty("property").GetString());
    }

    [Fact]
    public async Task A_name_with_spaces_unicode_and_a_dot_is_URL_encoded_in_paths_and_case_sensitive()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var name = $"Vendas São Paulo v1.0 ☎ {suffix}";
        var created = await Client().PostAsync("/instance/create", Json(JsonSerializer.Serialize(new { instanceName = name })), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await BodyAsync(created)).GetProperty("Auth").GetProperty("token").GetString()!;
        var path = Uri.EscapeDataString(name);

        var fetched = await BodyAsync(await Client(apiKey: null, bearer: token).GetAsync($"/instance/fetchInstance/{path}", Ct));
        Assert.Equal(name, fetched.GetProperty("name").GetString());
        var listed = await BodyAsync(await Client().GetAsync($"/instance/fetchInstances?instanceName={path}", Ct));
        Assert.Equal(name, Assert.Single(listed.EnumerateArray()).GetProperty("name").GetString());
        var updated = await Client(apiKey: null, bearer: token).PatchAsync($"/instance/update/{path}?description=ok", null, Ct);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        // Another case is another name: not found, free to create, and this token does not open it.
        var upper = name.ToUpperInvariant();
        await AssertEnvelopeAsync(await Client().GetAsync($"/instance/fetchInstance/{Uri.EscapeDataString(upper)}", Ct),
            HttpStatusCode.NotFound, "Not Found");
        var createdUpper = await Client().PostAsync("/instance/create", Json(JsonSerializer.Serialize(new { instanceName = upper })), Ct);
        Assert.Equal(HttpStatusCode.Created, createdUpper.StatusCode);
        await AssertEnvelopeAsync(await Client(apiKey: null, bearer: token).GetAsync($"/instance/fetchInstance/{Uri.EscapeDataString(upper)}", Ct),
            HttpStatusCode.Unauthorized, "Unauthorized");

        var deleted = await Client().DeleteAsync($"/instance/delete/{path}", Ct);
        Assert.Equal(name, (await BodyAsync(deleted)).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("bad%25name")]   // '%'
    [InlineData("bad%3Fname")]   // '?'
    [InlineData("bad%23name")]   // '#'
    [InlineData("bad%5Cname")]   // '\'
    [InlineData("bad%09name")]   // a control character
    public async Task A_malformed_name_in_the_path_answers_400_naming_the_field(string encoded)
    {
        var response = await Client().GetAsync($"/instance/fetchInstance/{encoded}", Ct);

        await AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, "Bad Request");
        Assert.Equal("instanceName", (await BodyAsync(response)).GetProperty("message")[0].GetProperty("property").GetString());
    }

    [Fact]
    public async Task A_taken_name_without_a_session_answers_400_Instance_already_exists_as_CodeChat_13()
    {
        // 1.3.7 instance.service.ts createInstance: a name that is only a database row. (The 403 for a
        // name with a session is in the session tests' CodeChat 1.3 replay.)
        var (name, _, _) = await CreateAsync();

        var duplicate = await Client().PostAsync("/instance/create", Json($$"""{"instanceName":"{{name}}"}"""), Ct);

        await AssertEnvelopeAsync(duplicate, HttpStatusCode.BadRequest, "Bad Request");
        Assert.Equal("Instance already exists", (await BodyAsync(duplicate)).GetProperty("message")[0].GetString());
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(field => KeyValuePair.Create(field.Key, field.Value)));

    [Fact]
    public async Task Create_update_and_refreshToken_take_form_bodies_as_CodeChat_13()
    {
        var name = "form " + UniqueName();
        var created = await Client().PostAsync("/instance/create",
            Form(("instanceName", name), ("description", "from a form"), ("externalAttributes[crm][id]", "7")), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await BodyAsync(created);
        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.Equal("from a form", body.GetProperty("description").GetString());
        var token = body.GetProperty("Auth").GetProperty("token").GetString()!;
        var path = Uri.EscapeDataString(name);
        var fetched = await BodyAsync(await Client().GetAsync($"/instance/fetchInstance/{path}", Ct));
        // Form values are strings, as qs gives them to CodeChat 1.3.
        Assert.Equal("7", fetched.GetProperty("externalAttributes").GetProperty("crm").GetProperty("id").GetString());

        var updated = await Client(apiKey: null, bearer: token).PatchAsync($"/instance/update/{path}", Form(("description", "changed")), Ct);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("changed", (await BodyAsync(updated)).GetProperty("description").GetString());

        var refreshed = await Client(apiKey: null).PutAsync($"/instance/refreshToken/{path}", Form(("oldToken", token)), Ct);
        Assert.Equal(HttpStatusCode.Created, refreshed.StatusCode);
        var newToken = (await BodyAsync(refreshed)).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Client(apiKey: null, bearer: newToken).GetAsync($"/instance/fetchInstance/{path}", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("create", "description=no+name", "instanceName")]
    [InlineData("create", "instanceName=a%2Fb", "instanceName")]
    [InlineData("create", "instanceName=ok&description=", "description")]
    [InlineData("create", "instanceName=ok&externalAttributes=1&externalAttributes[a]=2", "externalAttributes")]
    [InlineData("refreshToken", "", "oldToken")]
    [InlineData("refreshToken", "oldToken=", "oldToken")]
    [InlineData("update", "description=", "description")]
    public async Task Form_bodies_are_validated_as_JSON_ones_400_naming_the_field(string route, string form, string field)
    {
        var (name, _, _) = await CreateAsync();
        var content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = route switch
        {
            "create" => await Client().PostAsync("/instance/create", content, Ct),
            "refreshToken" => await Client().PutAsync($"/instance/refreshToken/{name}", content, Ct),
            _ => await Client().PatchAsync($"/instance/update/{name}", content, Ct),
        };

        await AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, "Bad Request");
        var failure = (await BodyAsync(response)).GetProperty("message")[0];
        Assert.Contains(field, failure.GetProperty("property").GetString() + " " + failure.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Unknown_routes_get_the_404_envelope_and_every_response_an_x_request_id()
    {
        var unknown = await Client().GetAsync("/no/such/route", Ct);
        await AssertEnvelopeAsync(unknown, HttpStatusCode.NotFound, "Not Found");
        Assert.Equal("Cannot GET /no/such/route", (await BodyAsync(unknown)).GetProperty("message")[0].GetString());
        Assert.True(Guid.TryParse(Assert.Single(unknown.Headers.GetValues("x-request-id")), out _));

        var request = new HttpRequestMessage(HttpMethod.Get, "/instance/fetchInstances");
        request.Headers.Add("x-request-id", "caller-chosen-id");
        var echoed = await Client().SendAsync(request, Ct);
        Assert.Equal("caller-chosen-id", Assert.Single(echoed.Headers.GetValues("x-request-id")));
    }

    [Fact]
    public async Task Dashboard_needs_the_global_key_as_apikey_or_basic_password()
    {
        var anonymous = await Client(apiKey: null).GetAsync("/dashboard", Ct);
        await AssertEnvelopeAsync(anonymous, HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString());

        await AssertEnvelopeAsync(await Client(apiKey: "wrong").GetAsync("/dashboard", Ct), HttpStatusCode.Unauthorized, "Unauthorized");
        var withKey = await Client().GetAsync("/dashboard", Ct);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);

        // HttpClient drops Authorization on redirects, so ask for the page the redirect (if any) led to.
        var page = withKey.RequestMessage!.RequestUri!.PathAndQuery;
        Assert.StartsWith("/dashboard", page);
        var browser = Client(apiKey: null);
        browser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + SiloApiFixture.GlobalApiKey)));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(page, Ct)).StatusCode);
    }

    [Fact]
    public async Task Health_live_and_ready_answer_without_a_key()
    {
        Assert.Equal(HttpStatusCode.OK, (await Client(apiKey: null).GetAsync("/health/live", Ct)).StatusCode);
        var ready = await Client(apiKey: null).GetAsync("/health/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = await BodyAsync(ready);
        Assert.Equal("healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("healthy", body.GetProperty("checks").GetProperty("cluster").GetProperty("status").GetString());
    }

    private static JsonElement ResponseExample(JsonElement operation, string status) =>
        operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("example");

    [Fact]
    public async Task Swagger_lists_exactly_the_real_routes_with_the_apikey_scheme()
    {
        var document = await BodyAsync(await Client(apiKey: null).GetAsync("/docs/v1/swagger.json", Ct));

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(
            [
                "DELETE /chat/deleteChat/{instanceName}",
                "DELETE /chat/deleteMessage/{instanceName}",
                "DELETE /chat/deleteMessageForEveryone/{instanceName}",
                "DELETE /group/leaveGroup/{instanceName}",
                "DELETE /instance/delete/{instanceName}",
                "DELETE /instance/logout/{instanceName}",
                "DELETE /message/queue/{instanceName}",
                "GET /admin/whatsappVersion",
                "GET /chat/fetchBlockedList/{instanceName}",
                "GET /chat/fetchProfilePictureUrl/{instanceName}",
                "GET /chat/findChats/{instanceName}",
                "GET /chat/public/{type}/download",
                "GET /group/findAllGroups/{instanceName}",
                "GET /group/findGroupInfos/{instanceName}",
                "GET /group/inviteCode/{instanceName}",
                "GET /group/inviteInfo/{instanceName}",
                "GET /group/participants/{instanceName}",
                "GET /instance/connect/{instanceName}",
                "GET /instance/connect/{instanceName}/code/{phoneNumber}",
                "GET /instance/connectionState/{instanceName}",
                "GET /instance/fetchInstance/{instanceName}",
                "GET /instance/fetchInstances",
                "GET /instance/passkey/{instanceName}",
                "GET /message/queue/{instanceName}",
                "GET /webhook/deadLetters/{instanceName}",
                "GET /webhook/deliveries/{instanceName}",
                "GET /webhook/find/{instanceName}",
                "PATCH /chat/readMessages/{instanceName}",
                "PATCH /chat/updatePresence/{instanceName}",
                "PATCH /instance/update/{instanceName}",
                "POST /chat/assertSessions/{instanceName}",
                "POST /chat/base64MediaMessage/{instanceName}",
                "POST /chat/editMessage/{instanceName}",
                "POST /chat/fetchProfilePictureUrl/{instanceName}",
                "POST /chat/findContacts/{instanceName}",
                "POST /chat/findMessages/{instanceName}",
                "POST /chat/mediaData/{instanceName}",
                "POST /chat/rejectCall/{instanceName}",
                "POST /chat/retrieverMediaMessage/{instanceName}",
                "POST /chat/whatsappNumbers/{instanceName}",
                "POST /group/create/{instanceName}",
                "POST /instance/create",
                "POST /instance/passkey/{instanceName}/assertion",
                "POST /instance/passkey/{instanceName}/confirm",
                "POST /message/sendContact/{instanceName}",
                "POST /message/sendLink/{instanceName}",
                "POST /message/sendLocation/{instanceName}",
                "POST /message/sendMedia/{instanceName}",
                "POST /message/sendMediaFile/{instanceName}",
                "POST /message/sendReaction/{instanceName}",
                "POST /message/sendText/{instanceName}",
                "POST /message/sendWhatsAppAudio/{instanceName}",
                "POST /message/sendWhatsAppAudioFile/{instanceName}",
                "POST /webhook/replay/{instanceName}",
                "PUT /admin/whatsappVersion",
                "PUT /chat/archiveChat/{instanceName}",
                "PUT /chat/blockContact/{instanceName}",
                "PUT /chat/markChatUnread/{instanceName}",
                "PUT /chat/markMessageAsRead/{instanceName}",
                "PUT /chat/muteChat/{instanceName}",
                "PUT /chat/pinChat/{instanceName}",
                "PUT /group/acceptInviteCode/{instanceName}",
                "PUT /group/revokeInviteCode/{instanceName}",
                "PUT /group/toggleEphemeral/{instanceName}",
                "PUT /group/updateDescription/{instanceName}",
                "PUT /group/updateGroupPicture/{instanceName}",
                "PUT /group/updateParticipant/{instanceName}",
                "PUT /group/updateSetting/{instanceName}",
                "PUT /group/updateSubject/{instanceName}",
                "PUT /instance/refreshToken/{instanceName}",
                "PUT /message/queue/pause/{instanceName}",
                "PUT /message/queue/resume/{instanceName}",
                "PUT /webhook/set/{instanceName}",
            ],
            operations);
        var apikey = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("apikey");
        Assert.Equal("header", apikey.GetProperty("in").GetString());
        var createExample = document.GetProperty("paths").GetProperty("/instance/create").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.Equal("sales-01", createExample.GetProperty("instanceName").GetString());
        var create = document.GetProperty("paths").GetProperty("/instance/create").GetProperty("post");
        Assert.True(create.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/x-www-form-urlencoded", out _));
        Assert.Equal("Instance already exists", ResponseExample(create, "400").GetProperty("message")[0].GetString());
        Assert.Equal(JsonValueKind.Number, ResponseExample(create, "201").GetProperty("Auth").GetProperty("id").ValueKind);

        var markRead = document.GetProperty("paths").GetProperty("/chat/markMessageAsRead/{instanceName}").GetProperty("put");
        Assert.Equal(JsonValueKind.Array, markRead.GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("example").GetProperty("readMessages").ValueKind);
        Assert.Equal("Read messages", ResponseExample(markRead, "200").GetProperty("message").GetString());

        var rejectCall = document.GetProperty("paths").GetProperty("/chat/rejectCall/{instanceName}").GetProperty("post");
        Assert.Equal("rejected", ResponseExample(rejectCall, "200").GetProperty("status").GetString());
        var pictureByQuery = document.GetProperty("paths").GetProperty("/chat/fetchProfilePictureUrl/{instanceName}").GetProperty("get");
        Assert.Equal(JsonValueKind.String, ResponseExample(pictureByQuery, "200").GetProperty("profilePictureUrl").ValueKind);

        var setVersion = document.GetProperty("paths").GetProperty("/admin/whatsappVersion").GetProperty("put");
        var sendMedia = document.GetProperty("paths").GetProperty("/message/sendMedia/{instanceName}").GetProperty("post");
        Assert.Equal("image", sendMedia.GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("example").GetProperty("mediaMessage").GetProperty("mediatype").GetString());
        var sendMediaFile = document.GetProperty("paths").GetProperty("/message/sendMediaFile/{instanceName}").GetProperty("post");
        Assert.True(sendMediaFile.GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));
        Assert.Equal(JsonValueKind.Object, ResponseExample(sendMedia, "201").ValueKind);
        Assert.StartsWith("2.3000.", setVersion.GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("example").GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.Equal("version", ResponseExample(setVersion, "400").GetProperty("message")[0].GetProperty("property").GetString());
        Assert.Equal("stored", ResponseExample(setVersion, "200").GetProperty("origin").GetString());

        var assertion = document.GetProperty("paths").GetProperty("/instance/passkey/{instanceName}/assertion").GetProperty("post");
        Assert.Equal("public-key", assertion.GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("example").GetProperty("type").GetString());
        Assert.Equal("awaiting_confirmation", ResponseExample(assertion, "200").GetProperty("stage").GetString());
        Assert.True(assertion.GetProperty("responses").TryGetProperty("409", out _));

        var updateParticipant = document.GetProperty("paths").GetProperty("/group/updateParticipant/{instanceName}").GetProperty("put");
        Assert.Contains(updateParticipant.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "groupJid" && p.GetProperty("in").GetString() == "query");
        Assert.Equal("add", updateParticipant.GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("example").GetProperty("action").GetString());
        Assert.Equal("200", ResponseExample(updateParticipant, "201").GetProperty("updateParticipants")[0].GetProperty("status").GetString());
        Assert.Equal("Only group admins can do this", ResponseExample(updateParticipant, "403").GetProperty("message")[0].GetString());
        var createGroup = document.GetProperty("paths").GetProperty("/group/create/{instanceName}").GetProperty("post");
        Assert.Equal("pn", ResponseExample(createGroup, "201").GetProperty("groupMetadata").GetProperty("addressingMode").GetString());

        // refreshToken takes no header (the body's oldToken is the credential): no lock in Swagger.
        var refresh = document.GetProperty("paths").GetProperty("/instance/refreshToken/{instanceName}").GetProperty("put");
        Assert.Equal(0, refresh.GetProperty("security").GetArrayLength());
        Assert.True(refresh.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/x-www-form-urlencoded", out _));
        Assert.Equal("Invalid \"oldToken\"", ResponseExample(refresh, "401").GetProperty("message")[0].GetString());
        Assert.Equal(JsonValueKind.Number, ResponseExample(refresh, "201").GetProperty("instanceId").ValueKind);

        Assert.Equal(HttpStatusCode.OK, (await Client(apiKey: null).GetAsync("/docs/index.html", Ct)).StatusCode);
    }
}
