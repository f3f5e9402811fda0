namespace CodeChat.Grains.Sessions;

/// <summary>
/// Runs one resume per instance with at most <c>parallelism</c> in flight. A failing instance is
/// reported and skipped: the others go on. Stops taking new instances once cancelled.
/// </summary>
public static class BoundedResume
{
    public static Task RunAsync(
        IReadOnlyList<string> instanceNames,
        int parallelism,
        Func<string, CancellationToken, Task> resume,
        Action<string, Exception> onFailure,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceNames);
        ArgumentNullException.ThrowIfNull(resume);
        ArgumentNullException.ThrowIfNull(onFailure);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
        return Parallel.ForEachAsync(instanceNames, options, async (name, token) =>
        {
            try
            {
                await resume(name, token).ConfigureAwait(false);
            }
            catch (Exception exception) when (!token.IsCancellationRequested)
            {
                onFailure(name, exception);
            }
        });
    }
}
