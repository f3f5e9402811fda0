using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// <see cref="WaClientOptions.BeforeReconnectAsync"/> fences every automatic reconnect: a client whose
/// owner lost the session must not connect again, or it takes the live connection away (440 there).
/// </summary>
public sealed class ReconnectFenceTests
{
    [Fact]
    public async Task A_declined_reconnect_stops_for_good_without_connecting()
    {
        var checks = 0;
        await using var harness = new ClientTestHarness(FencedOptions(_ =>
        {
            Interlocked.Increment(ref checks);
            return ValueTask.FromResult(false);
        }));
        await harness.Client.ConnectAsync(TestContext.Current.CancellationToken);
        var connection = await harness.Connector.NextConnectionAsync();
        Assert.Equal(0, Volatile.Read(ref checks));

        connection.Send(new Node("stream:error", [new("code", "503")]));
        var dropped = await harness.WaitForEventAsync<DisconnectedEvent>();
        Assert.True(dropped.WillReconnect);

        var stopped = await harness.WaitForEventAsync<DisconnectedEvent>(step: TimeSpan.FromSeconds(1));
        Assert.Equal(DisconnectReason.Superseded, stopped.Reason);
        Assert.False(stopped.WillReconnect);
        Assert.Equal(1, Volatile.Read(ref checks));

        // Long past any back-off: still no second attempt, and nobody is asked again.
        await AdvanceAsync(harness, TimeSpan.FromMinutes(5));
        Assert.Equal(1, harness.Connector.Attempts);
        Assert.False(harness.Connector.HasPendingConnection);
        Assert.Equal(1, Volatile.Read(ref checks));
    }

    [Fact]
    public async Task A_confirmed_reconnect_connects_again()
    {
        var checks = 0;
        await using var harness = new ClientTestHarness(FencedOptions(_ =>
        {
            Interlocked.Increment(ref checks);
            return ValueTask.FromResult(true);
        }));
        await harness.Client.ConnectAsync(TestContext.Current.CancellationToken);
        var connection = await harness.Connector.NextConnectionAsync();

        connection.Send(new Node("stream:error", [new("code", "503")]));
        Assert.True((await harness.WaitForEventAsync<DisconnectedEvent>()).WillReconnect);

        await harness.AdvanceUntilAsync(() => harness.Connector.HasPendingConnection);
        Assert.NotNull(await harness.Connector.NextConnectionAsync());
        Assert.Equal(2, harness.Connector.Attempts);
        Assert.Equal(1, Volatile.Read(ref checks));
    }

    [Fact]
    public async Task A_failing_check_is_asked_again_after_the_backoff_and_never_skipped()
    {
        var checks = 0;
        await using var harness = new ClientTestHarness(FencedOptions(_ =>
            Interlocked.Increment(ref checks) == 1
                ? throw new TimeoutException("The grain did not answer.")
                : ValueTask.FromResult(true)));
        await harness.Client.ConnectAsync(TestContext.Current.CancellationToken);
        var connection = await harness.Connector.NextConnectionAsync();

        connection.Send(new Node("stream:error", [new("code", "503")]));
        Assert.True((await harness.WaitForEventAsync<DisconnectedEvent>()).WillReconnect);

        await harness.AdvanceUntilAsync(() => Volatile.Read(ref checks) >= 1);
        // The check failed: no connection until it is asked again and says yes.
        Assert.Equal(1, harness.Connector.Attempts);
        await harness.AdvanceUntilAsync(() => harness.Connector.HasPendingConnection);
        Assert.Equal(2, Volatile.Read(ref checks));
        Assert.Equal(2, harness.Connector.Attempts);
    }

    private static WaClientOptions FencedOptions(Func<CancellationToken, ValueTask<bool>> check) => new()
    {
        IqTimeout = TimeSpan.FromMinutes(30),
        ReconnectJitter = 0,
        BeforeReconnectAsync = check,
    };

    private static async Task AdvanceAsync(ClientTestHarness harness, TimeSpan total)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += TimeSpan.FromSeconds(1))
        {
            harness.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }
}
