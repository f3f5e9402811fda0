using CodeChat.Grains.Abstractions.Events;

namespace CodeChat.Grains.Webhooks;

/// <summary>
/// A line's progress (a <c>webhook_lines</c> row): everything up to <see cref="AckedSequence"/> is done;
/// the next event has failed <see cref="HeadAttempts"/> times, first at <see cref="HeadFailedAt"/>, and is
/// not tried again before <see cref="NextAttemptAt"/>.
/// </summary>
public sealed record WebhookLineState(long AckedSequence, int HeadAttempts, DateTimeOffset? HeadFailedAt, DateTimeOffset? NextAttemptAt)
{
    public static WebhookLineState Start { get; } = new(0, 0, null, null);
}

/// <summary>An event queued for delivery again, with its own retry bookkeeping.</summary>
public sealed record WebhookReplayItem(long Id, InstanceEventRecord Record, int Attempts, DateTimeOffset? FirstFailedAt, DateTimeOffset? NextAttemptAt);

/// <summary>A line with undelivered events, as the sweeper sees it.</summary>
public sealed record PendingWebhookLine(string InstanceName, string Endpoint, long Depth, DateTimeOffset? OldestEventAt, bool Due)
{
    /// <summary>
    /// Whether the sweeper should wake this line's dispatcher: it is due, and its oldest undelivered
    /// event has waited at least <paramref name="grace"/>. A younger one is still on its way with the
    /// hand-over or wake-up that came with its append (on a busy line some event nearly always is), so
    /// waking for it would only make the line read the outbox for nothing; if that hand-over was lost,
    /// the next sweep finds the event older.
    /// </summary>
    public bool NeedsWakeUp(DateTimeOffset now, TimeSpan grace) => Due && (OldestEventAt is not { } oldest || now - oldest >= grace);
}
