using CodeChat.Grains.Webhooks;

namespace CodeChat.Session.Tests;

/// <summary>When the outbox sweeper wakes a line's dispatcher (<see cref="PendingWebhookLine.NeedsWakeUp"/>).</summary>
public sealed class PendingWebhookLineTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private static PendingWebhookLine Line(TimeSpan? oldestAge, bool due) =>
        new("sales", "instance", Depth: 3, oldestAge is { } age ? Now - age : null, due);

    [Fact]
    public void An_event_younger_than_the_grace_is_left_to_the_hand_over_that_came_with_it() =>
        Assert.False(Line(TimeSpan.FromMilliseconds(200), due: true).NeedsWakeUp(Now, Grace));

    [Fact]
    public void An_event_that_waited_the_grace_wakes_the_line() =>
        Assert.True(Line(Grace, due: true).NeedsWakeUp(Now, Grace));

    [Fact]
    public void A_line_waiting_for_its_next_retry_is_not_woken_however_old_its_event() =>
        Assert.False(Line(TimeSpan.FromHours(1), due: false).NeedsWakeUp(Now, Grace));

    [Fact]
    public void A_due_line_whose_oldest_event_is_unknown_is_woken() =>
        Assert.True(Line(null, due: true).NeedsWakeUp(Now, Grace));
}
