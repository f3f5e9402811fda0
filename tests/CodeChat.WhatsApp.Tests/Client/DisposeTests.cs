using CodeChat.WhatsApp.Client;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// Disposal may come from two places at once (a grain deactivating while the host shuts down):
/// every caller must return without an error, and only once the client has really stopped.
/// </summary>
public sealed class DisposeTests
{
    [Fact]
    public async Task Two_concurrent_dispose_calls_both_wait_for_the_shutdown_and_neither_fails()
    {
        var ct = TestContext.Current.CancellationToken;
        var h = new ClientTestHarness();
        await h.Client.ConnectAsync(ct);
        var connection = await h.Connector.NextConnectionAsync();
        var closing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.HoldClose = closing;

        // The first caller stops inside the connection's close; the second arrives meanwhile.
        var first = h.Client.DisposeAsync().AsTask();
        var second = h.Client.DisposeAsync().AsTask();
        Assert.False(second.IsCompleted, "The second caller returned before the client had stopped.");

        closing.SetResult();
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30), ct);

        Assert.True(connection.Closed);
        await AssertEventsEndAsync(h.Client, ct);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => h.Client.ConnectAsync(ct));
    }

    [Fact]
    public async Task Many_callers_disposing_at_once_all_return_normally()
    {
        var ct = TestContext.Current.CancellationToken;
        var h = new ClientTestHarness();
        await h.Client.ConnectAsync(ct);
        await h.Connector.NextConnectionAsync();

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 8)
            .Select(_ => Task.Run(async () =>
            {
                await start.Task;
                await h.Client.DisposeAsync();
            }, ct))
            .ToArray();
        start.SetResult();

        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30), ct);
        await AssertEventsEndAsync(h.Client, ct);
    }

    /// <summary>The event stream is completed: reading drains what is left, then ends.</summary>
    private static async Task AssertEventsEndAsync(WaClient client, CancellationToken ct)
    {
        var reader = client.Events;
        while (await reader.WaitToReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct))
        {
            while (reader.TryRead(out _))
            {
                // Events raised before the shutdown are not what this test is about.
            }
        }
        Assert.True(reader.Completion.IsCompleted);
    }
}
