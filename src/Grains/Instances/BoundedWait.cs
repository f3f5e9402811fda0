namespace CodeChat.Grains.Instances;

/// <summary>Waiting for a signal with a time limit, without leaving the limit's timer behind.</summary>
internal static class BoundedWait
{
    /// <summary>
    /// True once <paramref name="signal"/> completes, false after <paramref name="timeout"/>. The limit's
    /// timer is disposed before this returns, whichever came first (a <c>Task.WhenAny</c> with
    /// <c>Task.Delay</c> would keep it running to its end after every early signal).
    /// </summary>
    public static async Task<bool> ForAsync(Task signal, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var limit = new CancellationTokenSource(timeout, timeProvider);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
        try
        {
            await signal.WaitAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
