using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Testing;
using Npgsql;

namespace CodeChat.Session.Tests;

/// <summary>
/// What a client written for CodeChat 1.3.7 does on the instance routes, call by call, against the
/// real silo host, PostgreSQL and the WhatsApp emulator, asserting 1.3's answers field by field.
/// The shapes are 1.3.7's (code-chat-br/whatsapp-api at de8ea66: instance.service.ts selects,
/// instance.controller.ts, whatsapp.service.ts; summarised in codechat-api.md §2–3 and §7.2). Where
/// api-contract.md §6 decided otherwise (refreshToken refusals are 401) the test says so.
/// </summary>
public sealed class CodeChat13ClientReplayTests(PostgresServerFixture postgres, EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private const string Iso8601Milliseconds = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_connect_qr_state_fetch_refreshToken_logout_delete_as_a_13_client_sees_them()
    {
        var database = await postgres.CreateDatabaseAsync(Ct);
        await using var host = new SessionHost(database, emulator.Server);
        // A name 1.3 accepts and a URL must encode: spaces, non-ASCII, a dot.
        var name = $"Loja Centro São João v2.1 ☎ {Guid.NewGuid().ToString("N")[..8]}";
        var path = Uri.EscapeDataString(name);
        using var admin = Client(host, apiKey: SessionHost.GlobalApiKey);

        // POST /instance/create → 201 {id, name, description, createdAt, updatedAt, Auth{id, token}}.
        var (createStatus, created) = await SendAsync(admin, HttpMethod.Post, "/instance/create",
            Json(new { instanceName = name, description = "Front desk" }));
        Assert.Equal(201, createStatus);
        AssertFields(created, ["id", "name", "description", "createdAt", "updatedAt", "Auth"]);
        var instanceId = AssertNumber(created, "id");
        Assert.Equal(name, created.GetProperty("name").GetString());
        Assert.Equal("Front desk", created.GetProperty("description").GetString());
        AssertTimestamp(created, "createdAt");
        AssertTimestamp(created, "updatedAt");
        var auth = created.GetProperty("Auth");
        AssertFields(auth, ["id", "token"]);
        AssertNumber(auth, "id");
        var token = auth.GetProperty("token").GetString()!;
        Assert.Equal(3, token.Split('.').Length);
        using var owner = Client(host, bearer: token);

        // GET /instance/connect/{name} with the instance's Bearer → 200 the QR object {count, code, base64}.
        // A 1.3 client calls again while the answer has no code yet (connect waits about 3 s for it,
        // which a loaded machine can exceed).
        var (connectStatus, qr) = await SendAsync(owner, HttpMethod.Get, $"/instance/connect/{path}");
        for (var attempt = 0; attempt < 300 && connectStatus == 200 && !qr.TryGetProperty("code", out _); attempt++)
        {
            await Task.Delay(300, TestContext.Current.CancellationToken);
            (connectStatus, qr) = await SendAsync(owner, HttpMethod.Get, $"/instance/connect/{path}");
        }
        Assert.Equal(200, connectStatus);
        AssertFields(qr, ["count", "code", "base64"]);
        Assert.Equal(1, qr.GetProperty("count").GetInt32());
        var code = qr.GetProperty("code").GetString()!;
        Assert.StartsWith("data:image/png;base64,", qr.GetProperty("base64").GetString(), StringComparison.Ordinal);
        Assert.Equal(code, QrImage.Decode(qr.GetProperty("base64").GetString()!));

        // The qrcode.updated event a 1.3 webhook reads: data.qrcode{instance, count, code, base64}.
        var qrEvent = Assert.Single(await host.EventsAsync(name), e => e.Event == InstanceEventNames.QrCodeUpdated);
        using (var data = JsonDocument.Parse(qrEvent.DataJson))
        {
            var qrcode = data.RootElement.GetProperty("qrcode");
            Assert.Equal(name, qrcode.GetProperty("instance").GetString());
            Assert.Equal(1, qrcode.GetProperty("count").GetInt32());
            Assert.Equal(code, qrcode.GetProperty("code").GetString());
            Assert.Equal(qr.GetProperty("base64").GetString(), qrcode.GetProperty("base64").GetString());
            Assert.False(qrcode.TryGetProperty("paringCode", out _));
        }

        // While a session exists the name is "in use": 1.3's instance guard answers 403.
        var (inUseStatus, inUse) = await SendAsync(admin, HttpMethod.Post, "/instance/create", Json(new { instanceName = name }));
        Assert.Equal(403, inUseStatus);
        AssertError(inUse, 403, "Forbidden", $"This name \"{name}\" is already in use.");

        // The phone scans; GET /instance/connectionState/{name} → {state, statusReason}.
        var account = emulator.Emulator.CreateAccount();
        var device = await emulator.Emulator.ScanQrAsync(code, account, Ct);
        var state = await WaitForStateAsync(owner, path, "open");
        AssertFields(state, ["state", "statusReason"]);
        Assert.Equal(200, state.GetProperty("statusReason").GetInt32());

        // GET /instance/fetchInstances with the global key → an array of 1.3's instance rows.
        var (listStatus, list) = await SendAsync(admin, HttpMethod.Get, "/instance/fetchInstances");
        Assert.Equal(200, listStatus);
        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        var listed = Assert.Single(list.EnumerateArray(), i => i.GetProperty("name").GetString() == name);
        AssertInstanceRow(listed, instanceId, account.PnJid, token, withConnection: false);
        var (oneStatus, one) = await SendAsync(admin, HttpMethod.Get, $"/instance/fetchInstances?instanceName={path}");
        Assert.Equal(200, oneStatus);
        AssertInstanceRow(Assert.Single(one.EnumerateArray()), instanceId, account.PnJid, token, withConnection: false);

        // GET /instance/fetchInstance/{name} with the Bearer → the row plus Whatsapp{connection{state, statusReason}}.
        var (fetchStatus, fetched) = await SendAsync(owner, HttpMethod.Get, $"/instance/fetchInstance/{path}");
        Assert.Equal(200, fetchStatus);
        AssertInstanceRow(fetched, instanceId, account.PnJid, token, withConnection: true);
        var connection = fetched.GetProperty("Whatsapp").GetProperty("connection");
        AssertFields(connection, ["state", "statusReason"]);
        Assert.Equal("open", connection.GetProperty("state").GetString());
        Assert.Equal(200, connection.GetProperty("statusReason").GetInt32());

        // PUT /instance/refreshToken/{name} {oldToken} with no header at all → 201 the Auth row.
        using var anonymous = Client(host);
        var (refreshStatus, refreshed) = await SendAsync(anonymous, HttpMethod.Put, $"/instance/refreshToken/{path}",
            Json(new { oldToken = token }));
        Assert.Equal(201, refreshStatus);
        AssertFields(refreshed, ["id", "token", "createdAt", "updatedAt", "instanceId"]);
        Assert.Equal(AssertNumber(auth, "id"), AssertNumber(refreshed, "id"));
        Assert.Equal(instanceId, AssertNumber(refreshed, "instanceId"));
        AssertTimestamp(refreshed, "createdAt");
        AssertTimestamp(refreshed, "updatedAt");
        var newToken = refreshed.GetProperty("token").GetString()!;
        Assert.NotEqual(token, newToken);
        // The old token is dead everywhere; 1.3 answered 400 here, api-contract.md §6 says 401.
        Assert.Equal(401, (await SendAsync(owner, HttpMethod.Get, $"/instance/fetchInstance/{path}")).Status);
        var (staleStatus, stale) = await SendAsync(anonymous, HttpMethod.Put, $"/instance/refreshToken/{path}", Json(new { oldToken = token }));
        Assert.Equal(401, staleStatus);
        AssertError(stale, 401, "Unauthorized", "Invalid \"oldToken\"");
        using var renewed = Client(host, bearer: newToken);

        // DELETE /instance/logout/{name} → {error:false, message}; the phone no longer lists the device.
        var (logoutStatus, loggedOut) = await SendAsync(renewed, HttpMethod.Delete, $"/instance/logout/{path}");
        Assert.Equal(200, logoutStatus);
        AssertFields(loggedOut, ["error", "message"]);
        Assert.False(loggedOut.GetProperty("error").GetBoolean());
        Assert.Equal("Instance logged out", loggedOut.GetProperty("message").GetString());
        Assert.DoesNotContain(account.Devices, d => d.DeviceId == device.DeviceId);
        Assert.False(emulator.Emulator.IsOnline(device));
        var (_, afterLogout) = await SendAsync(renewed, HttpMethod.Get, $"/instance/fetchInstance/{path}");
        Assert.Equal("OFFLINE", afterLogout.GetProperty("connectionStatus").GetString());

        // No session any more, only the record: 1.3's service answers 400 "Instance already exists".
        var (existsStatus, exists) = await SendAsync(admin, HttpMethod.Post, "/instance/create", Json(new { instanceName = name }));
        Assert.Equal(400, existsStatus);
        AssertError(exists, 400, "Bad Request", "Instance already exists");

        // DELETE /instance/delete/{name} → 200 the deleted row with deletedAt.
        var (deleteStatus, deleted) = await SendAsync(renewed, HttpMethod.Delete, $"/instance/delete/{path}");
        Assert.Equal(200, deleteStatus);
        AssertFields(deleted,
            ["id", "name", "description", "connectionStatus", "ownerJid", "profilePicUrl", "createdAt", "updatedAt", "externalAttributes", "deletedAt"]);
        Assert.Equal(instanceId, AssertNumber(deleted, "id"));
        Assert.Equal(name, deleted.GetProperty("name").GetString());
        Assert.Equal("OFFLINE", deleted.GetProperty("connectionStatus").GetString());
        AssertTimestamp(deleted, "deletedAt");
        Assert.Equal(404, (await SendAsync(admin, HttpMethod.Get, $"/instance/fetchInstance/{path}")).Status);
        Assert.Equal(401, (await SendAsync(renewed, HttpMethod.Get, $"/instance/fetchInstance/{path}")).Status);
    }

    [Fact]
    public async Task Pairing_code_with_a_255_character_name_as_a_13_client_links_by_phone_number()
    {
        var database = await postgres.CreateDatabaseAsync(Ct);
        await using var host = new SessionHost(database, emulator.Server);
        // The longest name 1.3 stores (VARCHAR(255)), with spaces and non-ASCII; its watchdog reminder
        // row ("instance/<name>") is longer than Orleans' stock 150-character column.
        var name = Guid.NewGuid().ToString("N") + string.Concat(Enumerable.Repeat(" Ação.", 37)) + "ç";
        Assert.Equal(255, name.Length);
        var path = Uri.EscapeDataString(name);
        using var admin = Client(host, apiKey: SessionHost.GlobalApiKey);
        var (createStatus, created) = await SendAsync(admin, HttpMethod.Post, "/instance/create", Json(new { instanceName = name }));
        Assert.Equal(201, createStatus);
        using var owner = Client(host, bearer: created.GetProperty("Auth").GetProperty("token").GetString()!);
        var account = emulator.Emulator.CreateAccount();

        // GET /instance/connect/{name}/code/{phoneNumber} → {code}: 8 characters, no dash, as Baileys returns it.
        var (status, body) = await SendAsync(owner, HttpMethod.Get, $"/instance/connect/{path}/code/{account.Phone}");
        Assert.Equal(200, status);
        AssertFields(body, ["code"]);
        var code = body.GetProperty("code").GetString()!;
        Assert.Matches("^[1-9A-HJ-NP-TV-Z]{8}$", code);

        // 1.3's QR object and qrcode.updated carry it as paringCode [sic].
        var (_, qr) = await SendAsync(owner, HttpMethod.Get, $"/instance/connect/{path}?number={account.Phone}");
        Assert.Equal(code, qr.GetProperty("paringCode").GetString());
        var events = await host.EventsAsync(name);
        using (var data = JsonDocument.Parse(events.Last(e => e.Event == InstanceEventNames.QrCodeUpdated).DataJson))
        {
            Assert.Equal(code, data.RootElement.GetProperty("qrcode").GetProperty("paringCode").GetString());
            Assert.Equal(name, data.RootElement.GetProperty("qrcode").GetProperty("instance").GetString());
            Assert.Equal(code, data.RootElement.GetProperty("pairingCode").GetString());
        }

        var device = await emulator.Emulator.EnterPairingCodeAsync(account, code, Ct);
        await WaitForStateAsync(owner, path, "open");
        Assert.True(emulator.Emulator.IsOnline(device));
        Assert.True(await HasWatchdogReminderAsync(database, name));

        var (logoutStatus, _) = await SendAsync(owner, HttpMethod.Delete, $"/instance/logout/{path}");
        Assert.Equal(200, logoutStatus);
        Assert.False(await HasWatchdogReminderAsync(database, name));
        var (deleteStatus, deleted) = await SendAsync(owner, HttpMethod.Delete, $"/instance/delete/{path}");
        Assert.Equal(200, deleteStatus);
        Assert.Equal(name, deleted.GetProperty("name").GetString());
    }

    /// <summary>1.3's fetch select: Instance scalars, Auth{id, createdAt, updatedAt}, Webhook, plus our externalAttributes.</summary>
    private static void AssertInstanceRow(JsonElement row, long instanceId, string ownerJid, string expectedToken, bool withConnection)
    {
        string[] fields =
        [
            "id", "name", "description", "connectionStatus", "ownerJid", "profilePicUrl", "createdAt", "updatedAt", "Auth", "Webhook",
            "externalAttributes", // ours: 1.3 stores it but its fetch routes leave it out
        ];
        AssertFields(row, withConnection ? [.. fields, "Whatsapp"] : fields);
        Assert.Equal(instanceId, AssertNumber(row, "id"));
        Assert.Equal("Front desk", row.GetProperty("description").GetString());
        Assert.Equal("ONLINE", row.GetProperty("connectionStatus").GetString());
        Assert.Equal(ownerJid, row.GetProperty("ownerJid").GetString());
        Assert.Contains(row.GetProperty("profilePicUrl").ValueKind, new[] { JsonValueKind.String, JsonValueKind.Null });
        AssertTimestamp(row, "createdAt");
        AssertTimestamp(row, "updatedAt");
        var auth = row.GetProperty("Auth");
        // 1.3 hands the instance's token back on fetch (admin tools recover tokens this way):
        // api-contract.md §6; it is stored encrypted at rest and decrypted for the answer.
        AssertFields(auth, ["id", "token", "createdAt", "updatedAt"]);
        Assert.Equal(expectedToken, auth.GetProperty("token").GetString());
        AssertNumber(auth, "id");
        AssertTimestamp(auth, "createdAt");
        AssertTimestamp(auth, "updatedAt");
        Assert.Contains(row.GetProperty("Webhook").ValueKind, new[] { JsonValueKind.Object, JsonValueKind.Null });
    }

    private static void AssertFields(JsonElement element, string[] expected)
    {
        Assert.Equal(JsonValueKind.Object, element.ValueKind);
        Assert.Equal(expected.Order(StringComparer.Ordinal), element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    private static long AssertNumber(JsonElement element, string property)
    {
        var value = element.GetProperty(property);
        Assert.Equal(JsonValueKind.Number, value.ValueKind);
        return value.GetInt64();
    }

    private static void AssertTimestamp(JsonElement element, string property) =>
        Assert.Matches(Iso8601Milliseconds, element.GetProperty(property).GetString());

    private static void AssertError(JsonElement body, int status, string error, string message)
    {
        AssertFields(body, ["status", "error", "message"]);
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal(message, Assert.Single(body.GetProperty("message").EnumerateArray()).GetString());
    }

    private static async Task<JsonElement> WaitForStateAsync(HttpClient client, string path, string state)
    {
        // Generous for a loaded 2-core machine; returns as soon as the state shows.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            var (status, body) = await SendAsync(client, HttpMethod.Get, $"/instance/connectionState/{path}");
            Assert.Equal(200, status);
            last = body;
            if (body.GetProperty("state").GetString() == state)
                return body;
            await Task.Delay(100, Ct);
        }
        Assert.Fail($"The instance stayed {last} instead of becoming {state}.");
        return last;
    }

    private static async Task<bool> HasWatchdogReminderAsync(string connectionString, string name)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM OrleansRemindersTable WHERE GrainId = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = "instance/" + name });
        return (long)(await command.ExecuteScalarAsync(Ct))! > 0;
    }

    private static HttpClient Client(SessionHost host, string? apiKey = null, string? bearer = null)
    {
        var client = host.CreateClient();
        if (apiKey is not null)
            client.DefaultRequestHeaders.Add("apikey", apiKey);
        if (bearer is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<(int Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return ((int)response.StatusCode, document.RootElement.Clone());
    }
}
