namespace CodeChat.Grains.Queues;

/// <summary>
/// An instance's outbound pace for mailing messages: slots <see cref="Interval"/> apart, handed out in
/// the order they are asked for. A caller waits until its slot, then sends. Not thread-safe: its owner
/// (the instance grain) calls it on its own scheduler only.
/// </summary>
public sealed class MailingPacer(TimeSpan interval)
{
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    public TimeSpan Interval { get; } = interval;

    /// <summary>Takes the next free slot at or after <paramref name="now"/>; returns how long to wait for it.</summary>
    public TimeSpan Reserve(DateTimeOffset now)
    {
        var slot = _next > now ? _next : now;
        _next = slot + Interval;
        return slot - now;
    }
}
