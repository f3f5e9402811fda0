namespace CodeChat.InstanceBench;

internal static class Until
{
    /// <summary>Polls every 100 ms until <paramref name="done"/>, or throws after <paramref name="timeout"/> naming what it waited for.</summary>
    public static async Task TrueAsync(Func<Task<bool>> done, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited {timeout} for {what}.");
            await Task.Delay(100, cancellationToken);
        }
    }
}
