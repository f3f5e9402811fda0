using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CodeChat.WaEmulator.Tests;

public sealed class ControlApiTests
{
    [Fact]
    public async Task Accounts_created_over_http_get_distinct_phones_and_lids_and_are_listed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: ct);
        using var http = new HttpClient { BaseAddress = server.BaseUrl };

        var first = await (await http.PostAsJsonAsync("_emulator/accounts", new { pushName = "Ann" }, ct)).Content.ReadFromJsonAsync<JsonObject>(ct);
        var second = await (await http.PostAsJsonAsync("_emulator/accounts", new { phone = "4915112345678" }, ct)).Content.ReadFromJsonAsync<JsonObject>(ct);
        var duplicate = await http.PostAsJsonAsync("_emulator/accounts", new { phone = "4915112345678" }, ct);
        var listed = await http.GetFromJsonAsync<JsonArray>("_emulator/accounts", ct);

        Assert.Equal("4915112345678@s.whatsapp.net", second!["jid"]!.GetValue<string>());
        Assert.NotEqual(first!["phone"]!.GetValue<string>(), second["phone"]!.GetValue<string>());
        Assert.NotEqual(first["lid"]!.GetValue<string>(), second["lid"]!.GetValue<string>());
        Assert.EndsWith("@lid", first["lid"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Equal(2, listed!.Count);
        Assert.Equal(2, server.Emulator.Accounts.Count);
    }

    [Fact]
    public async Task Scanning_an_unknown_qr_is_a_bad_request_not_a_crash()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: ct);
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        var account = server.Emulator.CreateAccount();
        var key = Convert.ToBase64String(new byte[32]);

        var response = await http.PostAsJsonAsync("_emulator/scan", new { qr = $"2@nobody,{key},{key},{key},1", phone = account.Phone }, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("ref", await response.Content.ReadAsStringAsync(ct));
    }
}
