using CodeChat.Grains.Sessions;

namespace CodeChat.Session.Tests;

/// <summary>The start-up resume runs instances concurrently, never more than the configured number at once.</summary>
public sealed class BoundedResumeTests
{
    [Fact]
    public async Task Resumes_every_instance_with_at_most_the_configured_number_in_flight()
    {
        var names = Enumerable.Range(0, 40).Select(i => $"instance-{i}").ToList();
        var inFlight = 0;
        var peak = 0;
        var resumed = new System.Collections.Concurrent.ConcurrentBag<string>();
        var fourRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await BoundedResume.RunAsync(names, 4, async (name, token) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref peak, now);
            if (now == 4)
                fourRunning.TrySetResult();
            // Each resume waits until the limit was reached once, so the run proves concurrency
            // (one at a time would never get there) without timing assumptions.
            await fourRunning.Task.WaitAsync(TimeSpan.FromSeconds(30), token);
            resumed.Add(name);
            Interlocked.Decrement(ref inFlight);
        }, (_, _) => { }, TestContext.Current.CancellationToken);

        Assert.Equal(4, peak);
        Assert.Equal(names.Order(), resumed.Order());
    }

    [Fact]
    public async Task A_failing_instance_is_reported_and_the_others_still_resume()
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var resumed = new System.Collections.Concurrent.ConcurrentBag<string>();

        await BoundedResume.RunAsync(["a", "broken", "c"], 2, (name, _) =>
        {
            if (name == "broken")
                throw new InvalidOperationException("database down");
            resumed.Add(name);
            return Task.CompletedTask;
        }, (name, _) => failures.Add(name), TestContext.Current.CancellationToken);

        Assert.Equal(["broken"], failures);
        Assert.Equal(["a", "c"], resumed.Order());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
