using System.Net.Http.Json;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Testing;

namespace CodeChat.Session.Tests;

/// <summary>
/// Presence against a Baileys 7 peer through the real silo, PostgreSQL and the emulator:
/// <c>PATCH /chat/updatePresence</c> shows our typing to Baileys and subscribes to its presence;
/// Baileys' online/offline (with last seen) and typing/recording/paused arrive as <c>presence.update</c>.
/// </summary>
public sealed class PresenceTests(PostgresServerFixture postgres, EmulatorFixture emulator, BaileysInteropPackages packages)
    : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UpdatePresence_reaches_Baileys_and_Baileys_presence_arrives_as_presence_update()
    {
        Assert.NotNull(packages);
        await using var instance = await SendingInstance.StartAsync(postgres, emulator.Server);
        var (bob, bobAccount) = await instance.AddPeerAsync("Bob");
        var ours = instance.Account.PnJid;

        // Our typing reaches Bob's Baileys; the call also subscribes us to Bob, whose current state comes back.
        Assert.Equal(200, (await PatchAsync(instance, new { presence = "composing", number = bobAccount.Phone })).Status);
        var typing = await bob.WaitForEventAsync("presence", e => e["chat"]?.GetValue<string>() == ours, cancellationToken: Ct);
        Assert.Equal("composing", typing["presence"]!.GetValue<string>());
        Assert.Equal(200, (await PatchAsync(instance, new { presence = "recording", number = bobAccount.Phone })).Status);
        await bob.WaitForEventAsync("presence", e => e["chat"]?.GetValue<string>() == ours && e["presence"]?.GetValue<string>() == "recording", cancellationToken: Ct);
        Assert.Equal(200, (await PatchAsync(instance, new { presence = "paused", number = bobAccount.Phone })).Status);
        // Baileys reports a <paused/> chatstate as "available" (Socket/chats.ts handlePresenceUpdate).
        await bob.WaitForEventAsync("presence", e => e["chat"]?.GetValue<string>() == ours && e["presence"]?.GetValue<string>() == "available", cancellationToken: Ct);
        await WaitForPresenceAsync(instance, 0, bobAccount.PnJid, bobAccount.PnJid, p => p.GetProperty("lastKnownPresence").GetString() is "available" or "unavailable");

        // Bob goes offline: the subscription reports it with his last seen; then online again.
        var before = await LastSequenceAsync(instance);
        await bob.CommandAsync("presence", new { type = "unavailable" }, cancellationToken: Ct);
        var offline = await WaitForPresenceAsync(instance, before, bobAccount.PnJid, bobAccount.PnJid, p => p.GetProperty("lastKnownPresence").GetString() == "unavailable");
        var lastSeen = DateTimeOffset.FromUnixTimeSeconds(offline.GetProperty("lastSeen").GetInt64());
        Assert.InRange(lastSeen, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        before = await LastSequenceAsync(instance);
        await bob.CommandAsync("presence", new { type = "available" }, cancellationToken: Ct);
        var online = await WaitForPresenceAsync(instance, before, bobAccount.PnJid, bobAccount.PnJid, p => p.GetProperty("lastKnownPresence").GetString() == "available");
        Assert.False(online.TryGetProperty("lastSeen", out _));

        // Bob types, records and stops in our chat.
        foreach (var state in new[] { "composing", "recording", "paused" })
        {
            before = await LastSequenceAsync(instance);
            await bob.CommandAsync("presence", new { type = state, to = ours }, cancellationToken: Ct);
            await WaitForPresenceAsync(instance, before, bobAccount.PnJid, bobAccount.PnJid, p => p.GetProperty("lastKnownPresence").GetString() == state);
        }

        // Bad input names the field; an unknown number is refused.
        var (badStatus, bad) = await PatchAsync(instance, new { presence = "dancing", number = bobAccount.Phone });
        Assert.Equal(400, badStatus);
        Assert.Contains("presence", bad.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(400, (await PatchAsync(instance, new { presence = "available" })).Status);
        Assert.Equal(400, (await PatchAsync(instance, new { presence = "composing", number = "5599912345678" })).Status);
        Assert.Equal(404, (await PatchAsync(instance, new { presence = "composing", number = bobAccount.Phone }, "no-such-" + Guid.NewGuid().ToString("N")[..6])).Status);
    }

    private static async Task<(int Status, JsonElement Body)> PatchAsync(SendingInstance instance, object body, string? name = null)
    {
        using var response = await instance.Host.Http.PatchAsJsonAsync($"/chat/updatePresence/{Uri.EscapeDataString(name ?? instance.Name)}", body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return ((int)response.StatusCode, document.RootElement.Clone());
    }

    /// <summary>
    /// The presence entry of a <c>presence.update</c> recorded after <paramref name="after"/> for
    /// <paramref name="chat"/> / <paramref name="participant"/> (any when null) that matches.
    /// </summary>
    private static async Task<JsonElement> WaitForPresenceAsync(
        SendingInstance instance, long after, string? chat, string? participant, Func<JsonElement, bool> predicate)
    {
        var deadline = DateTime.UtcNow + SendingInstance.Patience;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var record in await instance.Host.EventsAsync(instance.Name))
            {
                if (record.Sequence <= after || record.Event != InstanceEventNames.PresenceUpdate)
                    continue;
                using var data = JsonDocument.Parse(record.DataJson);
                if (chat is not null && data.RootElement.GetProperty("id").GetString() != chat)
                    continue;
                foreach (var entry in data.RootElement.GetProperty("presences").EnumerateObject())
                {
                    if ((participant is null || entry.Name == participant) && predicate(entry.Value))
                        return entry.Value.Clone();
                }
            }
            await Task.Delay(100, Ct);
        }
        Assert.Fail($"No matching presence.update after #{after} within {SendingInstance.Patience}.");
        return default;
    }

    private static async Task<long> LastSequenceAsync(SendingInstance instance) =>
        (await instance.Host.EventsAsync(instance.Name)).Select(e => e.Sequence).DefaultIfEmpty(0).Max();
}
