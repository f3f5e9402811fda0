using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodeChat.Testing;
using CodeChat.WhatsApp.Client;

namespace CodeChat.WaEmulator.Tests;

/// <summary>
/// The emulator's minimum client version (405 below it, whatsapp-protocol.md §5.1) and its service worker,
/// checked against Baileys 7 as the independent client and against our service-worker parser.
/// </summary>
public sealed class ClientVersionGateTests(BaileysInteropPackages packages)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Baileys_below_the_minimum_is_refused_with_405()
    {
        Assert.True(Directory.Exists(packages.InteropDirectory));
        // Far above any version Baileys ships, so its claimed version is outdated whatever it is.
        await using var server = await WaEmulatorServer.StartAsync(
            new WaEmulatorOptions { MinimumClientVersion = new WhatsAppWebVersion(2, 3000, 4_000_000_000) }, cancellationToken: Ct);
        await using var peer = await BaileysPeer.StartAsync(new BaileysPeerOptions { Name = "stale", EmulatorUrl = server.WebSocketUrl }, Ct);

        await peer.ConnectAsync(Ct);
        var closed = await peer.WaitForEventAsync("close", cancellationToken: Ct);

        // Baileys reads <failure reason="405"/> as a connection failure with status 405.
        Assert.Equal(405, closed["code"]!.GetValue<int>());
        var refusal = Assert.Single(server.Emulator.ClientVersions.Refusals);
        Assert.StartsWith("2.3000.", refusal.Claimed, StringComparison.Ordinal);
        Assert.Equal("2.3000.4000000000", refusal.Minimum);
    }

    [Fact]
    public async Task The_control_api_reads_and_changes_the_versions_and_rejects_a_bad_one()
    {
        await using var server = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = server.BaseUrl };

        var initial = await http.GetFromJsonAsync<JsonObject>("_emulator/client-version", Ct);
        Assert.Null(initial!["minimum"]);
        Assert.Equal(WhatsAppWebVersion.Default.ToString(), initial["current"]!.GetValue<string>());

        using var raised = await http.PutAsJsonAsync("_emulator/client-version", new { minimum = "2.3000.1100000000", current = "2.3000.1100000001" }, Ct);
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        Assert.Equal(new WhatsAppWebVersion(2, 3000, 1_100_000_000), server.Emulator.ClientVersions.Minimum);
        Assert.Equal(new WhatsAppWebVersion(2, 3000, 1_100_000_001), server.Emulator.ClientVersions.Current);

        using var bad = await http.PutAsJsonAsync("_emulator/client-version", new { minimum = "soon" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(new WhatsAppWebVersion(2, 3000, 1_100_000_000), server.Emulator.ClientVersions.Minimum);

        using var cleared = await http.PutAsJsonAsync("_emulator/client-version", new { minimum = "none" }, Ct);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Null(server.Emulator.ClientVersions.Minimum);
    }

    [Fact]
    public async Task The_service_worker_on_the_https_host_names_the_current_version_as_whatsapp_webs_does()
    {
        await using var server = await WaEmulatorServer.StartAsync(
            new WaEmulatorOptions { CurrentClientVersion = new WhatsAppWebVersion(2, 3000, 1_023_456_789) }, cancellationToken: Ct);
        using var https = MediaHttp.TrustingClient(server);
        using var plain = new HttpClient { BaseAddress = server.BaseUrl };

        var script = await https.GetStringAsync(server.ServiceWorkerUrl, Ct);
        server.Emulator.ClientVersions.Set(minimum: null, current: new WhatsAppWebVersion(2, 3000, 1_023_456_790));
        var later = await https.GetStringAsync(server.ServiceWorkerUrl, Ct);
        using var overHttp = await plain.GetAsync("sw.js", Ct);

        // The site data sits in a JSON string inside the script, so its quotes arrive escaped.
        Assert.Contains("\\\"client_revision\\\":1023456789", script, StringComparison.Ordinal);
        Assert.True(WhatsAppWebVersion.TryParseServiceWorker(script, out var version));
        Assert.Equal(new WhatsAppWebVersion(2, 3000, 1_023_456_789), version);
        Assert.True(WhatsAppWebVersion.TryParseServiceWorker(later, out var changed));
        Assert.Equal(new WhatsAppWebVersion(2, 3000, 1_023_456_790), changed);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, overHttp.StatusCode);
        Assert.Equal(2, server.Emulator.ClientVersions.ServiceWorkerFetches);
    }
}
