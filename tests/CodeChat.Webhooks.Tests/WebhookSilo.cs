using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Events;
using CodeChat.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodeChat.Webhooks.Tests;

/// <summary>
/// The real silo host (src/Silo Program) on a test database, with webhooks allowed to reach loopback
/// (the receiver runs there) and a fast retry schedule. Extra settings override these; a logger
/// provider, when given, sees everything the silo logs.
/// </summary>
public sealed class WebhookSilo(string connectionString, IReadOnlyDictionary<string, string?>? settings = null, ILoggerProvider? logs = null)
    : WebApplicationFactory<CodeChat.Silo.Program>
{
    public const string GlobalApiKey = "webhook-tests-global-key-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Dictionary<string, string?> FastRetries(params string[] delays)
    {
        var values = new Dictionary<string, string?>();
        for (var i = 0; i < delays.Length; i++)
            values[$"Webhooks:RetrySchedule:{i}"] = delays[i];
        return values;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:CodeChat"] = connectionString,
            ["Security:MasterKey"] = TestSecrets.MasterKeyText,
            ["Authentication:GlobalApiKey"] = GlobalApiKey,
            ["Orleans:ClusterId"] = "webhooks-" + Guid.NewGuid().ToString("N")[..8],
            ["Orleans:SiloPort"] = "0",
            ["Orleans:GatewayPort"] = "0",
            ["Orleans:AdvertisedIPAddress"] = "127.0.0.1",
            ["Webhooks:AllowedNetworks:0"] = "127.0.0.0/8",
            ["Webhooks:SweepInterval"] = "00:00:01",
            ["Webhooks:Jitter"] = "0",
            ["Webhooks:RetrySchedule:0"] = "00:00:00.050",
            ["Webhooks:RetrySchedule:1"] = "00:00:00.100",
            ["Webhooks:RetrySchedule:2"] = "00:00:00.200",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value;
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(values));
        if (logs is not null)
            builder.ConfigureLogging(logging => logging.AddProvider(logs));
    }

    public HttpClient Api(string? apiKey = GlobalApiKey)
    {
        var client = CreateClient();
        if (apiKey is not null)
            client.DefaultRequestHeaders.Add("apikey", apiKey);
        return client;
    }

    public async Task<(long Id, string Token)> CreateInstanceAsync(string name)
    {
        using var response = await Api().PostAsJsonAsync("/instance/create", new { instanceName = name }, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var body = await JsonBodyAsync(response);
        return (body.GetProperty("id").GetInt64(), body.GetProperty("Auth").GetProperty("token").GetString()!);
    }

    /// <summary>PUT /webhook/set with a raw JSON body; returns the status and the parsed answer.</summary>
    public async Task<(int Status, JsonElement Body)> SetWebhookAsync(string name, string json, string? apiKey = GlobalApiKey)
    {
        using var response = await Api(apiKey).PutAsync($"/webhook/set/{name}", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        return ((int)response.StatusCode, await JsonBodyAsync(response));
    }

    public async Task<(int Status, JsonElement Body)> GetJsonAsync(string path, string? apiKey = GlobalApiKey)
    {
        using var response = await Api(apiKey).GetAsync(path, Ct);
        return ((int)response.StatusCode, await JsonBodyAsync(response));
    }

    public async Task<(int Status, JsonElement Body)> PostJsonAsync(string path, string json, string? apiKey = GlobalApiKey)
    {
        using var response = await Api(apiKey).PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        return ((int)response.StatusCode, await JsonBodyAsync(response));
    }

    /// <summary>Records an event the way instance grains do (outbox append + dispatcher wake-up).</summary>
    public Task<InstanceEventRecord> AppendAsync(string name, long instanceId, string eventName, string dataJson, string? owner = null) =>
        Services.GetRequiredService<IInstanceEventSink>().AppendAsync(new InstanceEventDraft(name, instanceId, owner, eventName, dataJson), Ct);

    public static async Task<JsonElement> JsonBodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return document.RootElement.Clone();
    }
}

/// <summary>A silo with the test defaults (and <see cref="Settings"/> on top) on a fresh database, shared by a test class.</summary>
public class WebhookSiloFixture(PostgresServerFixture postgres) : IAsyncLifetime
{
    public WebhookSilo Silo { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    /// <summary>Configuration on top of the test defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await postgres.CreateDatabaseAsync();
        Silo = new WebhookSilo(ConnectionString, Settings);
        Silo.CreateClient().Dispose(); // starts the host
    }

    public async ValueTask DisposeAsync() => await Silo.DisposeAsync();
}
