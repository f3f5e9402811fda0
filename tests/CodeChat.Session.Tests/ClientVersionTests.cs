using System.Net.Http.Json;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Testing;
using CodeChat.WaEmulator;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Client;

namespace CodeChat.Session.Tests;

/// <summary>
/// A stale WhatsApp Web version (405, whatsapp-protocol.md §5.1, pitfall P2) end to end: the emulator raises
/// its minimum, the instances are refused, and either the refresher (reading the emulator's service worker)
/// or the admin route brings them back with the same credentials. Each test has an emulator of its own,
/// since the minimum version is server-wide.
/// </summary>
public sealed class ClientVersionTests(PostgresServerFixture postgres)
{
    private static readonly WhatsAppWebVersion Old = new(2, 3000, 1_000_000_001);
    private static readonly WhatsAppWebVersion Middle = new(2, 3000, 1_000_000_500);
    private static readonly WhatsAppWebVersion Current = new(2, 3000, 1_000_000_900);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewName() => "ver-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task After_a_raised_minimum_the_refresher_finds_the_new_version_and_every_instance_reconnects_without_a_qr()
    {
        await using var emulator = await WaEmulatorServer.StartAsync(new WaEmulatorOptions { CurrentClientVersion = Old }, cancellationToken: Ct);
        await using var host = await StartHostAsync(emulator, source: emulator.ServiceWorkerUrl.ToString());
        var first = await PairAsync(host, emulator);
        var second = await PairAsync(host, emulator);
        var connectionsBefore = emulator.Emulator.Connections.Count;
        var qrBefore = await QrEventCountsAsync(host, first.Name, second.Name);
        var eventsBefore = new Dictionary<string, int>
        {
            [first.Name] = (await host.EventsAsync(first.Name)).Count,
            [second.Name] = (await host.EventsAsync(second.Name)).Count,
        };

        // WhatsApp raises the minimum and web.whatsapp.com/sw.js names the new revision; connections drop.
        emulator.Emulator.ClientVersions.Set(minimum: Current, current: Current);
        await emulator.Emulator.DropAllConnectionsAsync();

        foreach (var (name, device) in new[] { first, second })
        {
            await WaitForEventsAsync(host, name, events => ReopenedAfterDrop([.. events.Skip(eventsBefore[name])]) is not null);
            Assert.Equal(("open", 200), await host.ConnectionStateAsync(name));
            Assert.True(emulator.Emulator.IsOnline(device));
        }

        Assert.Equal(qrBefore, await QrEventCountsAsync(host, first.Name, second.Name));
        // At most one refusal per instance (one that reconnects after the refresh claims the new version
        // at once), each followed by one successful login: no storm.
        var refusals = emulator.Emulator.ClientVersions.Refusals;
        Assert.InRange(refusals.Count, 1, 2);
        Assert.All(refusals, refusal => Assert.Equal(Old.ToString(), refusal.Claimed));
        Assert.Equal(connectionsBefore + 2 + refusals.Count, emulator.Emulator.Connections.Count);
        Assert.InRange(emulator.Emulator.ClientVersions.ServiceWorkerFetches, 1, 2);
        var (status, view) = await host.GetAsync("/admin/whatsappVersion");
        Assert.Equal(200, status);
        Assert.Equal(Current.ToString(), view.GetProperty("version").GetString());
        Assert.Equal("stored", view.GetProperty("origin").GetString());
        Assert.Equal("refresher", view.GetProperty("stored").GetProperty("updatedBy").GetString());
        Assert.Equal(Old.ToString(), view.GetProperty("configured").GetString());
        Assert.Equal(Current.ToString(), view.GetProperty("refresher").GetProperty("lastFound").GetString());
    }

    [Fact]
    public async Task With_the_refresher_off_a_405_closes_every_instance_with_the_reason_and_the_admin_route_brings_them_all_back()
    {
        await using var emulator = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: Ct);
        await using var host = await StartHostAsync(emulator, source: "off");
        var first = await PairAsync(host, emulator);
        var second = await PairAsync(host, emulator);
        var connectionsBefore = emulator.Emulator.Connections.Count;

        emulator.Emulator.ClientVersions.Set(minimum: Current, current: Current);
        await emulator.Emulator.DropAllConnectionsAsync();
        foreach (var (name, _) in new[] { first, second })
        {
            var events = await WaitForEventsAsync(host, name, events => events.Any(IsRefusal));
            using var refused = JsonDocument.Parse(events.Single(IsRefusal).DataJson);
            var data = refused.RootElement;
            Assert.Equal(name, data.GetProperty("instance").GetString());
            Assert.Equal(405, data.GetProperty("statusReason").GetInt32());
            var reason = data.GetProperty("reason").GetString()!;
            Assert.Contains(Old.ToString(), reason, StringComparison.Ordinal);
            Assert.Contains("outdated", reason, StringComparison.Ordinal);
            Assert.Contains("PUT /admin/whatsappVersion", reason, StringComparison.Ordinal);
            Assert.Equal(("close", 405), await host.ConnectionStateAsync(name));
            Assert.True(await host.HasCredentialsAsync(name));
        }
        // Stopped means stopped: nothing dials again by itself while the version is still the refused one.
        Assert.Equal(connectionsBefore + 2, emulator.Emulator.Connections.Count);

        using (var set = await host.Http.PutAsJsonAsync("/admin/whatsappVersion", new { version = Current.ToString() }, Ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, set.StatusCode);
            using var body = JsonDocument.Parse(await set.Content.ReadAsStringAsync(Ct));
            Assert.Equal(Current.ToString(), body.RootElement.GetProperty("version").GetString());
            Assert.Equal("admin", body.RootElement.GetProperty("stored").GetProperty("updatedBy").GetString());
        }

        // No connect call: the version change itself brings every refused instance back, without a QR.
        foreach (var (name, device) in new[] { first, second })
        {
            await WaitForEventsAsync(host, name, all => all.SkipWhile(e => !IsRefusal(e)).Any(IsOpen));
            Assert.Equal(("open", 200), await host.ConnectionStateAsync(name));
            Assert.True(emulator.Emulator.IsOnline(device));
            var after = await host.EventsAsync(name);
            Assert.DoesNotContain(after.SkipWhile(e => !IsRefusal(e)), e => e.Event == InstanceEventNames.QrCodeUpdated);
            Assert.Equal(1, after.Count(IsRefusal));
        }
        // One refused attempt each, then one after the fix: nothing in between retried by itself.
        Assert.Equal(2, emulator.Emulator.ClientVersions.Refusals.Count);
        Assert.Equal(connectionsBefore + 4, emulator.Emulator.Connections.Count);
    }

    [Fact]
    public async Task When_the_refreshed_version_is_refused_too_the_instance_stops_after_two_attempts()
    {
        // The service worker lags behind the minimum: the one retry is refused as well.
        await using var emulator = await WaEmulatorServer.StartAsync(new WaEmulatorOptions { CurrentClientVersion = Old }, cancellationToken: Ct);
        await using var host = await StartHostAsync(emulator, source: emulator.ServiceWorkerUrl.ToString());
        var (name, _) = await PairAsync(host, emulator);
        var connectionsBefore = emulator.Emulator.Connections.Count;

        var events = await RaiseMinimumUntilRefusedAsync(host, emulator, name, announced: Middle);
        using (var refused = JsonDocument.Parse(events.Single(IsRefusal).DataJson))
            Assert.Contains(Middle.ToString(), refused.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(("close", 405), await host.ConnectionStateAsync(name));
        Assert.Equal([Old.ToString(), Middle.ToString()], emulator.Emulator.ClientVersions.Refusals.Select(r => r.Claimed));
        Assert.Equal(connectionsBefore + 2, emulator.Emulator.Connections.Count);
        Assert.Single(events, IsRefusal);
        var (_, view) = await host.GetAsync("/admin/whatsappVersion");
        Assert.Equal(Middle.ToString(), view.GetProperty("version").GetString());
    }

    [Fact]
    public async Task An_unreachable_source_keeps_the_version_and_the_instance_stops_refused()
    {
        await using var emulator = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: Ct);
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        await using var host = await StartHostAsync(emulator, source: "https://127.0.0.1:1/sw.js");
        var (name, _) = await PairAsync(host, emulator);

        await RaiseMinimumUntilRefusedAsync(host, emulator, name, announced: Current);
        Assert.Equal(("close", 405), await host.ConnectionStateAsync(name));
        Assert.Single(emulator.Emulator.ClientVersions.Refusals);
        var (_, view) = await host.GetAsync("/admin/whatsappVersion");
        Assert.Equal(Old.ToString(), view.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("stored").ValueKind);
        Assert.Contains("127.0.0.1:1", view.GetProperty("refresher").GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_refresher_checks_on_its_schedule_without_any_405()
    {
        await using var emulator = await WaEmulatorServer.StartAsync(new WaEmulatorOptions { CurrentClientVersion = Current }, cancellationToken: Ct);
        // The shortest schedule Orleans reminders allow.
        await using var host = await StartHostAsync(emulator, source: emulator.ServiceWorkerUrl.ToString(), refresh: "00:01:00");

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        JsonElement view;
        do
        {
            (_, view) = await host.GetAsync("/admin/whatsappVersion");
            if (view.GetProperty("version").GetString() == Current.ToString())
                break;
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(Current.ToString(), view.GetProperty("version").GetString());
        Assert.Equal("refresher", view.GetProperty("stored").GetProperty("updatedBy").GetString());
        Assert.Equal("00:01:00", view.GetProperty("refresher").GetProperty("interval").GetString());
        Assert.Empty(emulator.Emulator.ClientVersions.Refusals);
    }

    [Fact]
    public async Task The_admin_route_needs_the_global_key_and_names_a_bad_version()
    {
        await using var emulator = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: Ct);
        await using var host = await StartHostAsync(emulator, source: "off");

        var (status, view) = await host.GetAsync("/admin/whatsappVersion");
        Assert.Equal(200, status);
        Assert.Equal(Old.ToString(), view.GetProperty("version").GetString());
        Assert.Equal("configured", view.GetProperty("origin").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("stored").ValueKind);
        Assert.Equal(WhatsAppWebVersion.Default.ToString(), view.GetProperty("compiledDefault").GetString());
        Assert.False(view.GetProperty("refresher").GetProperty("enabled").GetBoolean());

        foreach (var body in new object[] { new { version = "latest" }, new { version = "0.0.0" }, new { version = 2 }, new { other = "x" } })
        {
            using var response = await host.Http.PutAsJsonAsync("/admin/whatsappVersion", body, Ct);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
            using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            Assert.Equal("version", error.RootElement.GetProperty("message")[0].GetProperty("property").GetString());
        }

        using var anonymous = host.CreateClient();
        using (var missing = await anonymous.GetAsync("/admin/whatsappVersion", Ct))
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, missing.StatusCode);
        anonymous.DefaultRequestHeaders.Add("apikey", "not-the-key");
        using (var wrong = await anonymous.PutAsJsonAsync("/admin/whatsappVersion", new { version = Current.ToString() }, Ct))
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, wrong.StatusCode);
        var (_, unchanged) = await host.GetAsync("/admin/whatsappVersion");
        Assert.Equal("configured", unchanged.GetProperty("origin").GetString());
    }

    [Theory]
    [InlineData("WhatsApp:Version", "2.3000")]
    [InlineData("WhatsApp:VersionSource", "http://example.com/sw.js")]
    [InlineData("WhatsApp:VersionRefresh", "hourly")]
    public async Task A_bad_version_setting_stops_start_up_naming_the_key(string key, string value)
    {
        await using var emulator = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: Ct);
        var database = await postgres.CreateDatabaseAsync(Ct);

        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = new SessionHost(database, emulator, settings: new Dictionary<string, string?> { [key] = value });
            await host.GetAsync("/admin/whatsappVersion");
        });

        Assert.Contains(key, Flatten(failure), StringComparison.Ordinal);
    }

    /// <param name="source">WhatsApp:VersionSource; the schedule is off unless <paramref name="refresh"/> says otherwise,
    /// so only the check right after a 405 runs and no scheduled one races the test.</param>
    private async Task<SessionHost> StartHostAsync(WaEmulatorServer emulator, string source, string refresh = "off") =>
        new(await postgres.CreateDatabaseAsync(Ct), emulator, settings: new Dictionary<string, string?>
        {
            ["WhatsApp:Version"] = Old.ToString(),
            ["WhatsApp:VersionSource"] = source,
            ["WhatsApp:VersionRefresh"] = refresh,
        });

    /// <summary>WhatsApp raises its minimum to <see cref="Current"/> and announces <paramref name="announced"/>; connections drop.</summary>
    private static async Task<IReadOnlyList<InstanceEventRecord>> RaiseMinimumUntilRefusedAsync(
        SessionHost host, WaEmulatorServer emulator, string name, WhatsAppWebVersion announced)
    {
        emulator.Emulator.ClientVersions.Set(minimum: Current, current: announced);
        await emulator.Emulator.DropAllConnectionsAsync();
        return await WaitForEventsAsync(host, name, events => events.Any(IsRefusal));
    }

    /// <summary>create → connect → QR → the emulator's phone scans it → open, claiming <see cref="Old"/>.</summary>
    private static async Task<(string Name, LinkedDevice Device)> PairAsync(SessionHost host, WaEmulatorServer emulator)
    {
        var name = NewName();
        await host.CreateInstanceAsync(name);
        var (status, qr) = await host.GetAsync($"/instance/connect/{name}");
        Assert.Equal(200, status);
        // connect waits about 3 s for the QR (as CodeChat); on a loaded machine it may come later, as an event.
        var code = qr.TryGetProperty("code", out var immediate)
            ? immediate.GetString()!
            : await FirstQrCodeAsync(host, name);
        var device = await emulator.Emulator.ScanQrAsync(code, emulator.Emulator.CreateAccount(), Ct);
        await WaitForEventsAsync(host, name, events => events.Any(IsOpen));
        return (name, device);
    }

    private static async Task<string> FirstQrCodeAsync(SessionHost host, string name)
    {
        var events = await WaitForEventsAsync(host, name, events => events.Any(e => e.Event == InstanceEventNames.QrCodeUpdated));
        using var data = JsonDocument.Parse(events.First(e => e.Event == InstanceEventNames.QrCodeUpdated).DataJson);
        return data.RootElement.GetProperty("qrcode").GetProperty("code").GetString()!;
    }

    /// <summary>Index of the first "open" after the first "close" (the dropped connection), or null.</summary>
    private static int? ReopenedAfterDrop(IReadOnlyList<InstanceEventRecord> events)
    {
        var list = events.ToList();
        var closedAt = list.FindIndex(e => e.Event == InstanceEventNames.ConnectionUpdate && e.DataJson.Contains("\"state\":\"close\"", StringComparison.Ordinal));
        if (closedAt < 0)
            return null;
        var reopenedAt = list.FindIndex(closedAt, IsOpen);
        return reopenedAt < 0 ? null : reopenedAt;
    }

    private static async Task<int[]> QrEventCountsAsync(SessionHost host, params string[] names)
    {
        var counts = new List<int>();
        foreach (var name in names)
            counts.Add((await host.EventsAsync(name)).Count(e => e.Event == InstanceEventNames.QrCodeUpdated));
        return [.. counts];
    }

    private static bool IsOpen(InstanceEventRecord record) =>
        record.Event == InstanceEventNames.ConnectionUpdate && record.DataJson.Contains("\"state\":\"open\"", StringComparison.Ordinal);

    private static bool IsRefusal(InstanceEventRecord record) =>
        record.Event == InstanceEventNames.ConnectionUpdate && record.DataJson.Contains("\"state\":\"refused\"", StringComparison.Ordinal);

    /// <summary>Polls the instance's outbox until <paramref name="done"/> holds; sized for a loaded 2-core machine.</summary>
    private static async Task<IReadOnlyList<InstanceEventRecord>> WaitForEventsAsync(
        SessionHost host, string name, Func<IReadOnlyList<InstanceEventRecord>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        IReadOnlyList<InstanceEventRecord> events = [];
        while (DateTime.UtcNow < deadline)
        {
            events = await host.EventsAsync(name);
            if (done(events))
                return events;
            await Task.Delay(100, Ct);
        }
        Assert.Fail($"Instance {name}: the awaited events never came; saw {string.Join(" | ", events.Select(e => e.Event + " " + e.DataJson))}");
        return events;
    }

    private static string Flatten(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            messages.Add(current.Message);
            if (current is AggregateException aggregate)
                messages.AddRange(aggregate.InnerExceptions.Select(Flatten));
        }
        return string.Join(" / ", messages);
    }
}
