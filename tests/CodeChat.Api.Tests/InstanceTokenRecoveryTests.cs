using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CodeChat.Testing;
using Npgsql;

namespace CodeChat.Api.Tests;

/// <summary>
/// api-contract.md §6: the global-key holder reads instance tokens back through fetchInstances /
/// fetchInstance as CodeChat 1.3 does; an instance token shows only its own instance; the database
/// keeps the token only encrypted and no log line carries it. Real HTTP pipeline, real PostgreSQL.
/// </summary>
public sealed class InstanceTokenRecoveryTests(SiloApiFixture fixture) : IClassFixture<SiloApiFixture>
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

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    private async Task<(string Name, string Token)> CreateAsync()
    {
        var name = "tok-" + Guid.NewGuid().ToString("N")[..10];
        using var response = await Client().PostAsync(
            "/instance/create", new StringContent($$"""{"instanceName":"{{name}}"}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (name, (await BodyAsync(response)).GetProperty("Auth").GetProperty("token").GetString()!);
    }

    private static string? TokenOf(JsonElement instance) =>
        instance.GetProperty("Auth").GetProperty("token").GetString();

    [Fact]
    public async Task The_global_key_reads_back_every_token_and_the_token_it_reads_works()
    {
        var (first, firstToken) = await CreateAsync();
        var (second, secondToken) = await CreateAsync();

        var all = await BodyAsync(await Client().GetAsync("/instance/fetchInstances", Ct));
        var byName = all.EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!, TokenOf);
        Assert.Equal(firstToken, byName[first]);
        Assert.Equal(secondToken, byName[second]);

        var one = await BodyAsync(await Client().GetAsync($"/instance/fetchInstance/{second}", Ct));
        Assert.Equal(secondToken, TokenOf(one));

        // The recovered token is the real credential: it opens its instance.
        using var withRecovered = await Client(apiKey: null, bearer: byName[first]).GetAsync($"/instance/fetchInstance/{first}", Ct);
        Assert.Equal(HttpStatusCode.OK, withRecovered.StatusCode);
    }

    [Fact]
    public async Task An_instance_token_sees_its_own_token_and_never_another_instances()
    {
        var (own, ownToken) = await CreateAsync();
        var (other, otherToken) = await CreateAsync();

        // CodeChat 1.3's fetchInstance shows Auth.token to whoever may open the instance; the caller holds it anyway.
        var mine = await BodyAsync(await Client(apiKey: null, bearer: ownToken).GetAsync($"/instance/fetchInstance/{own}", Ct));
        Assert.Equal(ownToken, TokenOf(mine));

        var attempts = new[]
        {
            await Client(apiKey: null, bearer: ownToken).GetAsync($"/instance/fetchInstance/{other}", Ct),
            await Client(apiKey: ownToken).GetAsync($"/instance/fetchInstance/{other}", Ct),
            await Client(apiKey: null, bearer: ownToken).GetAsync("/instance/fetchInstances", Ct),
            await Client(apiKey: ownToken).GetAsync("/instance/fetchInstances", Ct),
            await Client(apiKey: ownToken).GetAsync($"/instance/fetchInstances?instanceName={other}", Ct),
        };
        foreach (var response in attempts)
        {
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{response.RequestMessage!.RequestUri}: {response.StatusCode}");
            Assert.DoesNotContain(otherToken, await response.Content.ReadAsStringAsync(Ct));
        }
    }

    [Fact]
    public async Task RefreshToken_replaces_the_stored_token_so_fetch_shows_the_new_one_only()
    {
        var (name, oldToken) = await CreateAsync();
        using var refreshed = await Client(apiKey: null, bearer: oldToken).PutAsync(
            $"/instance/refreshToken/{name}", new StringContent($$"""{"oldToken":"{{oldToken}}"}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.Created, refreshed.StatusCode);
        var newToken = (await BodyAsync(refreshed)).GetProperty("token").GetString()!;
        Assert.NotEqual(oldToken, newToken);

        var listed = Assert.Single((await BodyAsync(await Client().GetAsync($"/instance/fetchInstances?instanceName={name}", Ct))).EnumerateArray());
        Assert.Equal(newToken, TokenOf(listed));
        Assert.Equal(newToken, TokenOf(await BodyAsync(await Client().GetAsync($"/instance/fetchInstance/{name}", Ct))));
        using var withOld = await Client(apiKey: null, bearer: oldToken).GetAsync($"/instance/fetchInstance/{name}", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, withOld.StatusCode);
    }

    [Fact]
    public async Task The_database_keeps_tokens_only_encrypted_and_no_log_line_carries_one()
    {
        var (name, token) = await CreateAsync();
        using (var refreshed = await Client(apiKey: null, bearer: token).PutAsync(
            $"/instance/refreshToken/{name}", new StringContent($$"""{"oldToken":"{{token}}"}""", Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(HttpStatusCode.Created, refreshed.StatusCode);
        }

        var current = TokenOf(await BodyAsync(await Client().GetAsync($"/instance/fetchInstance/{name}", Ct)))!;

        var dataSource = fixture.Factory.Services.GetService(typeof(NpgsqlDataSource)) as NpgsqlDataSource;
        Assert.NotNull(dataSource);
        await using (var stored = dataSource.CreateCommand("SELECT token_protected FROM instances WHERE name = $1"))
        {
            stored.Parameters.Add(new NpgsqlParameter { Value = name });
            var protectedToken = Assert.IsType<string>(await stored.ExecuteScalarAsync(Ct));
            Assert.DoesNotContain(current, protectedToken);
        }

        // Every token's signature part is long random text: it appears nowhere in the whole database.
        var dump = await DatabaseDump.ReadAllAsync(dataSource, Ct);
        foreach (var value in new[] { token, current })
        {
            Assert.DoesNotContain(value, dump);
            Assert.DoesNotContain(value.Split('.')[2], dump);
        }

        var logs = fixture.Factory.Logs.Lines;
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(logs, line => line.Contains(token, StringComparison.Ordinal) || line.Contains(current, StringComparison.Ordinal));
    }
}
