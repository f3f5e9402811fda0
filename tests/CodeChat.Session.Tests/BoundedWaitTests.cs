using CodeChat.Grains.Instances;

namespace CodeChat.Session.Tests;

/// <summary>The wait behind <c>WaitForCodeAsync</c>: bounded, and leaving no timer behind.</summary>
public sealed class BoundedWaitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_signal_that_comes_first_ends_the_wait_and_releases_its_timer()
    {
        var time = new TimerCountingTimeProvider();
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var wait = BoundedWait.ForAsync(signal.Task, TimeSpan.FromMinutes(5), time, Ct);
        Assert.Equal(1, time.LiveTimers);
        signal.SetResult();

        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(0, time.LiveTimers);
    }

    [Fact]
    public async Task Without_a_signal_the_wait_ends_at_its_limit()
    {
        var time = new TimerCountingTimeProvider();
        var never = new TaskCompletionSource();

        Assert.False(await BoundedWait.ForAsync(never.Task, TimeSpan.FromMilliseconds(50), time, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(0, time.LiveTimers);
    }

    [Fact]
    public async Task A_cancelled_caller_ends_the_wait_and_releases_its_timer()
    {
        var time = new TimerCountingTimeProvider();
        using var caller = new CancellationTokenSource();
        var wait = BoundedWait.ForAsync(new TaskCompletionSource().Task, TimeSpan.FromMinutes(5), time, caller.Token);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(0, time.LiveTimers);
    }

    /// <summary>The system clock, counting the timers created through it that are not disposed yet.</summary>
    private sealed class TimerCountingTimeProvider : TimeProvider
    {
        private int _live;

        public int LiveTimers => Volatile.Read(ref _live);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _live);
            return new CountedTimer(System.CreateTimer(callback, state, dueTime, period), this);
        }

        private sealed class CountedTimer(ITimer inner, TimerCountingTimeProvider owner) : ITimer
        {
            private int _disposed;

            public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                    Interlocked.Decrement(ref owner._live);
                inner.Dispose();
            }

            public async ValueTask DisposeAsync()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                    Interlocked.Decrement(ref owner._live);
                await inner.DisposeAsync();
            }
        }
    }
}
