namespace CodeChat.Grains.Messages;

/// <summary>
/// How many numbers one instance may ask WhatsApp about (usync contact lookups) in a window: a token
/// bucket of <paramref name="limit"/> lookups refilled evenly over <paramref name="window"/>. Bursts of
/// lookups get numbers banned (Evolution API #2228), so <c>/chat/whatsappNumbers</c> is refused once the
/// bucket is empty; answers from the cache cost nothing. Used on grain turns only (one thread at a time).
/// </summary>
public sealed class NumberCheckRateLimiter(int limit, TimeSpan window, TimeProvider timeProvider)
{
    private double _available = limit;
    private DateTimeOffset _refilledAt = timeProvider.GetUtcNow();

    /// <summary>Takes <paramref name="count"/> lookups when the bucket holds them; else says how long until it will.</summary>
    public bool TryTake(int count, out TimeSpan retryAfter)
    {
        Refill();
        if (count <= _available)
        {
            _available -= count;
            retryAfter = TimeSpan.Zero;
            return true;
        }
        retryAfter = count > limit
            ? window
            : TimeSpan.FromTicks((long)Math.Ceiling((count - _available) / limit * window.Ticks));
        return false;
    }

    /// <summary>Counts lookups that had to happen anyway (a send's recipient), down to an empty bucket.</summary>
    public void Take(int count)
    {
        Refill();
        _available = Math.Max(0, _available - count);
    }

    private void Refill()
    {
        var now = timeProvider.GetUtcNow();
        var elapsed = now - _refilledAt;
        _refilledAt = now;
        if (elapsed > TimeSpan.Zero)
            _available = Math.Min(limit, _available + (double)elapsed.Ticks / window.Ticks * limit);
    }
}
