using CodeChat.Testing;
using Npgsql;

namespace CodeChat.Webhooks.Tests;

/// <summary>
/// Stored qrcode.updated events lose their QR and pairing codes (issue 14 §2) once every endpoint got
/// them, or after the retention window when a receiver is down; a replay then delivers them redacted;
/// the codes never reach the logs.
/// </summary>
public sealed class QrCodeRedactionTests(PostgresServerFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    // How long an undelivered event keeps its codes: short where the test waits for the window to end,
    // and far beyond the patience where redaction must come from the delivery (a slow first delivery on
    // a busy machine must not let the window run out first and pass for it).
    private static readonly TimeSpan ShortRetention = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan LongRetention = TimeSpan.FromMinutes(10);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly RecordingLoggerProvider _logs = new();
    private string _connectionString = "";
    private WebhookSilo? _silo;
    private WebhookReceiver _receiver = null!;

    private WebhookSilo Silo => _silo ?? throw new InvalidOperationException("StartSilo first");

    public async ValueTask InitializeAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync(Ct);
        _receiver = await WebhookReceiver.StartAsync();
    }

    private void StartSilo(TimeSpan retention)
    {
        _silo = new WebhookSilo(_connectionString, new Dictionary<string, string?>
        {
            ["Webhooks:QrCodeRetention"] = retention.ToString("c"),
            ["Webhooks:QrCodeStreamGrace"] = "00:00:00",
            // Retry a failing receiver quickly for the whole window, never dead-letter within it.
            ["Webhooks:RetrySchedule:3"] = "00:00:00.500",
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:LogLevel:Orleans"] = "Information",
            ["Logging:LogLevel:Microsoft"] = "Information",
        }, _logs);
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        if (_silo is not null)
            await _silo.DisposeAsync();
    }

    private static string Secrets(string name, string tag) =>
        $$"""{"name":"{{name}}","qrcode":{"instance":"{{name}}","count":1,"code":"2@{{tag}}-ref,noise,identity,adv","base64":"data:image/png;base64,{{tag}}PNG","paringCode":"{{tag}}PAIR"},"count":1,"pairingCode":"{{tag}}PAIR"}""";

    private const string Redacted =
        """{"name":"{0}","qrcode":{"instance":"{0}","count":1,"code":null,"base64":null,"paringCode":null},"count":1,"pairingCode":null}""";

    private async Task<(string Name, long Id)> SiloWithInstanceAndWebhookAsync(TimeSpan retention)
    {
        StartSilo(retention);
        var name = "qr-" + Guid.NewGuid().ToString("N")[..10];
        var (id, _) = await Silo.CreateInstanceAsync(name);
        var (status, _) = await Silo.SetWebhookAsync(name, $$"""{"url":"{{_receiver.Url(name)}}","enabled":true}""");
        Assert.Equal(201, status);
        return (name, id);
    }

    [Fact]
    public async Task A_delivered_qr_event_is_redacted_soon_and_a_replay_delivers_it_redacted()
    {
        var (name, id) = await SiloWithInstanceAndWebhookAsync(LongRetention);
        var tag = "D" + Guid.NewGuid().ToString("N")[..8];
        var stored = await Silo.AppendAsync(name, id, "qrcode.updated", Secrets(name, tag));

        await _receiver.WaitUntilAsync(all => all.Any(r => r.Instance == name && r.Accepted), Patience, "the QR event");
        var delivered = _receiver.AcceptedFor(name).Single();
        Assert.Equal($"2@{tag}-ref,noise,identity,adv", delivered.Envelope.GetProperty("data").GetProperty("qrcode").GetProperty("code").GetString());

        var (data, redactedAt, createdAt) = await WaitForRedactionAsync(stored.Id);
        Assert.Equal(Redacted.Replace("{0}", name, StringComparison.Ordinal), data);
        // Redacted because it was delivered: the window (LongRetention) is far from over, and the sweeper
        // redacts by the window only; WaitForRedactionAsync gives up long before it ends.
        Assert.True(redactedAt - createdAt < Patience * 2, $"redacted {redactedAt - createdAt} after it was recorded");

        var (replayStatus, _) = await Silo.PostJsonAsync($"/webhook/replay/{name}", $$"""{"id":"{{stored.Id}}"}""");
        Assert.Equal(202, replayStatus);
        await _receiver.WaitUntilAsync(all => all.Count(r => r.Instance == name && r.Accepted) >= 2, Patience, "the replayed QR event");
        Assert.Equal(2, _receiver.AcceptedFor(name).Count());
        var replayed = _receiver.AcceptedFor(name).Last();
        Assert.Equal(stored.Id, replayed.Id);
        Assert.Equal(data, replayed.Envelope.GetProperty("data").GetRawText());
        AssertNotLogged(tag);
    }

    [Fact]
    public async Task An_undelivered_qr_event_is_redacted_when_the_window_ends_while_the_receiver_is_down()
    {
        var (name, id) = await SiloWithInstanceAndWebhookAsync(ShortRetention);
        _receiver.Responder = webhook => webhook.Instance == name ? (503, null) : (200, null);
        var tag = "U" + Guid.NewGuid().ToString("N")[..8];
        var stored = await Silo.AppendAsync(name, id, "qrcode.updated", Secrets(name, tag));
        await _receiver.WaitUntilAsync(all => all.Any(r => r.Instance == name), Patience, "a first (failing) attempt");

        var (data, redactedAt, createdAt) = await WaitForRedactionAsync(stored.Id);
        Assert.Equal(Redacted.Replace("{0}", name, StringComparison.Ordinal), data);
        Assert.True(redactedAt - createdAt >= ShortRetention, $"redacted {redactedAt - createdAt} after it was recorded, before the window ended");
        Assert.DoesNotContain(_receiver.Received, r => r.Instance == name && r.Accepted);
        AssertNotLogged(tag);
    }

    [Fact]
    public async Task A_delivered_passkey_confirmation_loses_its_code_like_a_qr_event()
    {
        var (name, id) = await SiloWithInstanceAndWebhookAsync(LongRetention);
        var code = "PK" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var stored = await Silo.AppendAsync(name, id, "passkey.confirmation",
            $$"""{"instance":"{{name}}","stage":"awaiting_confirmation","code":"{{code}}","skipHandoff":false,"confirmPath":"/instance/passkey/{{name}}/confirm"}""");

        await _receiver.WaitUntilAsync(all => all.Any(r => r.Instance == name && r.Accepted), Patience, "the passkey.confirmation event");
        Assert.Equal(code, _receiver.AcceptedFor(name).Single().Envelope.GetProperty("data").GetProperty("code").GetString());

        var (data, _, _) = await WaitForRedactionAsync(stored.Id);
        Assert.Equal($$"""{"instance":"{{name}}","stage":"awaiting_confirmation","code":null,"skipHandoff":false,"confirmPath":"/instance/passkey/{{name}}/confirm"}""", data);
        AssertNotLogged(code);
    }

    private void AssertNotLogged(string tag)
    {
        Assert.NotEmpty(_logs.Lines);
        Assert.DoesNotContain(_logs.Lines, line => line.Contains(tag, StringComparison.Ordinal));
    }

    private async Task<(string Data, DateTimeOffset RedactedAt, DateTimeOffset CreatedAt)> WaitForRedactionAsync(Guid eventId)
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            await using var command = dataSource.CreateCommand("SELECT data::text, redacted_at, created_at FROM instance_events WHERE id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = eventId });
            await using var reader = await command.ExecuteReaderAsync(Ct);
            Assert.True(await reader.ReadAsync(Ct));
            if (!reader.IsDBNull(1))
                return (reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2));
            await Task.Delay(100, Ct);
        }
        Assert.Fail($"Event {eventId} was not redacted within {Patience}.");
        return default;
    }
}
