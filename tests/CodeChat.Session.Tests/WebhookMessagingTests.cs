using System.Text.Json;
using CodeChat.Testing;
using CodeChat.WaEmulator;

namespace CodeChat.Session.Tests;

/// <summary>
/// Messages crossing with Baileys 7 reach a real webhook receiver (Kestrel on 127.0.0.1) through the
/// HTTP pipeline, the silo, PostgreSQL and the emulator: Bob's text arrives as <c>new.message</c>, and the
/// gateway's text to Bob brings its <c>messages.update</c> receipts (delivered, read), in sequence order.
/// The outbox sweeper runs only at start, so every event has to reach the dispatcher from the code that
/// recorded it (a missing hand-over or wake-up fails here instead of being caught by the next sweep).
/// </summary>
public sealed class WebhookMessagingTests(PostgresServerFixture postgres, BaileysInteropPackages packages) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = SendingInstance.Patience;
    private WaEmulatorServer _emulator = null!;
    private WebhookReceiver _receiver = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Assert.NotNull(packages);
        _emulator = await WaEmulatorServer.StartAsync(new WaEmulatorOptions());
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_message_from_Baileys_and_the_receipts_of_ours_are_posted_to_the_webhook_in_sequence_order()
    {
        await using var instance = await SendingInstance.StartAsync(postgres, _emulator, new Dictionary<string, string?>
        {
            ["Webhooks:AllowedNetworks:0"] = "127.0.0.0/8",
            ["Webhooks:SweepInterval"] = "01:00:00",
        });
        var (bob, bobAccount) = await instance.AddPeerAsync("Bob");
        var (status, set) = await instance.RequestAsync(HttpMethod.Put, "/webhook/set", body: new { url = _receiver.Url(instance.Name), enabled = true });
        Assert.Equal(201, status);
        Assert.StartsWith("whsec_", set.GetProperty("secret").GetString());

        var inbound = "hello webhook " + Guid.NewGuid().ToString("N")[..8];
        var inboundId = await bob.SendTextAsync(instance.Account.PnJid, inbound, Ct);
        var arrived = await WaitForAsync("new.message", data => data.GetProperty("header").GetProperty("messageId").GetString() == inboundId);
        Assert.Equal(bobAccount.PnJid, arrived.Data.GetProperty("header").GetProperty("wuid").GetString());
        Assert.Contains(inbound, arrived.Data.GetProperty("body").GetRawText());
        Assert.StartsWith("v1,", arrived.Webhook.Headers["webhook-signature"]);
        Assert.Equal(instance.Account.PnJid, arrived.Webhook.Headers["resource-owner"]);

        var outbound = "hello Bob " + Guid.NewGuid().ToString("N")[..8];
        var (sent, body) = await instance.SendTextAsync(bobAccount.Phone, outbound);
        Assert.Equal(201, sent);
        var keyId = body.GetProperty("keyId").GetString()!;
        var atBob = await bob.WaitForTextAsync(outbound, Patience, Ct);
        await WaitForAsync("messages.update", data => IsUpdate(data, keyId, "DELIVERY_ACK"));
        await bob.CommandAsync("read", new { keys = new[] { atBob["key"] } }, cancellationToken: Ct);
        await WaitForAsync("messages.update", data => IsUpdate(data, keyId, "READ"));

        var sequences = _receiver.AcceptedFor(instance.Name).Select(r => r.Sequence).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
    }

    private static bool IsUpdate(JsonElement data, string keyId, string status) =>
        data.GetProperty("update").GetProperty("header").GetProperty("messageId").GetString() == keyId
        && data.GetProperty("update").GetProperty("status").GetString() == status;

    private async Task<(ReceivedWebhook Webhook, JsonElement Data)> WaitForAsync(string eventName, Func<JsonElement, bool> matches)
    {
        ReceivedWebhook? found = null;
        await _receiver.WaitUntilAsync(all =>
        {
            found = all.FirstOrDefault(r => r.Accepted && r.Event == eventName && matches(r.Envelope.GetProperty("data")));
            return found is not null;
        }, Patience, eventName);
        return (found!, found!.Envelope.GetProperty("data"));
    }
}
