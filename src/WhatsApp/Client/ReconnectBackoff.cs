namespace CodeChat.WhatsApp.Client;

/// <summary>Exponential back-off with jitter for reconnect attempts.</summary>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private readonly double _jitter;
    private readonly Random _random;

    public ReconnectBackoff(TimeSpan baseDelay, TimeSpan maxDelay, double jitter, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay);
        ArgumentOutOfRangeException.ThrowIfNegative(jitter);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(jitter, 1);
        _baseDelay = baseDelay;
        _maxDelay = maxDelay;
        _jitter = jitter;
        _random = random ?? Random.Shared;
    }

    /// <summary>Failed attempts since the last successful connection.</summary>
    public int Attempt { get; private set; }

    /// <summary>The delay before the next attempt: base × 2^attempt capped at the maximum, then ± jitter.</summary>
    public TimeSpan NextDelay()
    {
        var exponent = Math.Min(Attempt, 30);
        Attempt++;
        var nominal = Math.Min(_baseDelay.TotalMilliseconds * Math.Pow(2, exponent), _maxDelay.TotalMilliseconds);
        var spread = 1 + _jitter * (2 * _random.NextDouble() - 1);
        return TimeSpan.FromMilliseconds(nominal * spread);
    }

    public void Reset() => Attempt = 0;
}
