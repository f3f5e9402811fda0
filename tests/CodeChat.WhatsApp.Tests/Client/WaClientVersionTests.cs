using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// A 405 (outdated client, whatsapp-protocol.md §5.1, pitfall P2): one retry with the version source's
/// replacement, then a stop — never a reconnect loop on a stale version.
/// </summary>
public partial class WaClientTests
{
    private static readonly WhatsAppWebVersion Stale = new(2, 3000, 1000);
    private static readonly WhatsAppWebVersion Fresh = new(2, 3000, 2000);

    [Fact]
    public async Task Outdated_version_is_retried_once_with_the_replacement_and_logs_in()
    {
        var source = new FakeVersionSource(Stale, replacement: _ => Fresh);
        await using var h = await LoggedInAsync(sendSuccess: false, options: PairedOptions with { VersionSource = source });
        Assert.Equal(Stale.Tertiary, h.Harness.Connector.Payloads[0].UserAgent.AppVersion.Tertiary);

        h.Connection.Send(new Node("failure", [new("reason", "405")]));

        var outdated = await h.Harness.WaitForEventAsync<ClientOutdatedEvent>();
        Assert.Equal(Stale, outdated.Rejected);
        Assert.Equal(Fresh, outdated.RetryWith);
        var disconnected = await h.Harness.WaitForEventAsync<DisconnectedEvent>();
        Assert.Equal(DisconnectReason.ClientOutdated, disconnected.Reason);
        Assert.True(disconnected.WillReconnect);
        await h.Harness.AdvanceUntilAsync(() => h.Harness.Connector.HasPendingConnection);
        var retry = await h.Harness.Connector.NextConnectionAsync();
        var claimed = h.Harness.Connector.Payloads[^1].UserAgent.AppVersion;
        Assert.Equal((Fresh.Primary, Fresh.Secondary, Fresh.Tertiary), (claimed.Primary, claimed.Secondary, claimed.Tertiary));
        retry.Send(new Node("success", [new("t", "1700000000")]));
        await h.Harness.WaitForEventAsync<ConnectedEvent>();
        Assert.Equal([Stale], source.Rejections);
    }

    [Fact]
    public async Task A_second_405_stops_the_client_without_a_further_attempt()
    {
        // A source that always "finds" something newer: only the one-retry rule can stop the loop.
        var source = new FakeVersionSource(Stale, replacement: rejected => rejected with { Tertiary = rejected.Tertiary + 1 });
        await using var h = await LoggedInAsync(sendSuccess: false, options: PairedOptions with { VersionSource = source });

        h.Connection.Send(new Node("failure", [new("reason", "405")]));
        Assert.True((await h.Harness.WaitForEventAsync<DisconnectedEvent>()).WillReconnect);
        await h.Harness.AdvanceUntilAsync(() => h.Harness.Connector.HasPendingConnection);
        var retry = await h.Harness.Connector.NextConnectionAsync();
        retry.Send(new Node("failure", [new("reason", "405")]));

        var outdated = await h.Harness.WaitForEventAsync<ClientOutdatedEvent>();
        Assert.Null(outdated.RetryWith);
        var stopped = await h.Harness.WaitForEventAsync<DisconnectedEvent>();
        Assert.Equal(DisconnectReason.ClientOutdated, stopped.Reason);
        Assert.Equal("405", stopped.Code);
        Assert.False(stopped.WillReconnect);
        h.Harness.Time.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(h.Harness.Connector.HasPendingConnection);
        Assert.Equal(2, h.Harness.Connector.Attempts);
        Assert.Single(source.Rejections);
        Assert.NotNull(await h.Harness.Store.LoadCredentialsAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_a_replacement_a_405_stops_at_once(bool lookupThrows)
    {
        var source = new FakeVersionSource(Stale, replacement: rejected =>
            lookupThrows ? throw new HttpRequestException("offline") : rejected);
        await using var h = await LoggedInAsync(sendSuccess: false, options: PairedOptions with { VersionSource = source });

        h.Connection.Send(new Node("failure", [new("reason", "405")]));

        Assert.Null((await h.Harness.WaitForEventAsync<ClientOutdatedEvent>()).RetryWith);
        Assert.False((await h.Harness.WaitForEventAsync<DisconnectedEvent>()).WillReconnect);
        h.Harness.Time.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Equal(1, h.Harness.Connector.Attempts);
    }

    [Fact]
    public async Task The_version_is_asked_for_at_every_connection_attempt()
    {
        var source = new FakeVersionSource(Stale, replacement: _ => null);
        await using var h = await LoggedInAsync(options: PairedOptions with { VersionSource = source });
        source.Current = Fresh;

        h.Connection.Send(new Node("stream:error", [new("code", "503")]));
        await h.Harness.WaitForEventAsync<DisconnectedEvent>();
        await h.Harness.AdvanceUntilAsync(() => h.Harness.Connector.HasPendingConnection);
        await h.Harness.Connector.NextConnectionAsync();

        Assert.Equal(Stale.Tertiary, h.Harness.Connector.Payloads[0].UserAgent.AppVersion.Tertiary);
        Assert.Equal(Fresh.Tertiary, h.Harness.Connector.Payloads[^1].UserAgent.AppVersion.Tertiary);
    }

    private sealed class FakeVersionSource(WhatsAppWebVersion current, Func<WhatsAppWebVersion, WhatsAppWebVersion?> replacement)
        : IWhatsAppWebVersionSource
    {
        public WhatsAppWebVersion Current { get; set; } = current;

        public List<WhatsAppWebVersion> Rejections { get; } = [];

        public ValueTask<WhatsAppWebVersion> GetCurrentAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Current);

        public ValueTask<WhatsAppWebVersion?> FindReplacementAsync(WhatsAppWebVersion rejected, CancellationToken cancellationToken)
        {
            lock (Rejections)
            {
                Rejections.Add(rejected);
            }
            var found = replacement(rejected);
            if (found is { } newer)
            {
                Current = newer;
            }
            return ValueTask.FromResult(found);
        }
    }
}
