using CodeChat.Grains.Abstractions.Queues;
using CodeChat.Grains.Queues;

namespace CodeChat.Session.Tests;

/// <summary>The send queue's status machine, recipient outcomes, progress and pacing, without a silo.</summary>
public sealed class SendQueueTransitionTests
{
    [Theory]
    [InlineData(SendQueueStatus.Running, SendQueueCommand.Pause, SendQueueTransitionKind.Changed, SendQueueStatus.Paused)]
    [InlineData(SendQueueStatus.Paused, SendQueueCommand.Pause, SendQueueTransitionKind.Unchanged, SendQueueStatus.Paused)]
    [InlineData(SendQueueStatus.Paused, SendQueueCommand.Resume, SendQueueTransitionKind.Changed, SendQueueStatus.Running)]
    [InlineData(SendQueueStatus.Running, SendQueueCommand.Resume, SendQueueTransitionKind.Unchanged, SendQueueStatus.Running)]
    [InlineData(SendQueueStatus.Running, SendQueueCommand.Delete, SendQueueTransitionKind.Changed, SendQueueStatus.Deleted)]
    [InlineData(SendQueueStatus.Paused, SendQueueCommand.Delete, SendQueueTransitionKind.Changed, SendQueueStatus.Deleted)]
    [InlineData(SendQueueStatus.Running, SendQueueCommand.Complete, SendQueueTransitionKind.Changed, SendQueueStatus.Completed)]
    [InlineData(SendQueueStatus.Paused, SendQueueCommand.Complete, SendQueueTransitionKind.Refused, SendQueueStatus.Paused)]
    [InlineData(SendQueueStatus.Completed, SendQueueCommand.Resume, SendQueueTransitionKind.Refused, SendQueueStatus.Completed)]
    [InlineData(SendQueueStatus.Completed, SendQueueCommand.Delete, SendQueueTransitionKind.Refused, SendQueueStatus.Completed)]
    [InlineData(SendQueueStatus.Deleted, SendQueueCommand.Resume, SendQueueTransitionKind.Refused, SendQueueStatus.Deleted)]
    [InlineData(SendQueueStatus.Deleted, SendQueueCommand.Pause, SendQueueTransitionKind.Refused, SendQueueStatus.Deleted)]
    public void Each_command_moves_the_status_as_the_machine_says(
        SendQueueStatus current, SendQueueCommand command, SendQueueTransitionKind kind, SendQueueStatus after)
    {
        var result = SendQueueTransition.Apply(current, command);

        Assert.Equal(kind, result.Kind);
        Assert.Equal(after, result.Status);
    }

    [Theory]
    [InlineData(RecipientOutcome.Waiting, RecipientOutcome.Sending, true)]
    [InlineData(RecipientOutcome.Waiting, RecipientOutcome.Failed, true)]
    [InlineData(RecipientOutcome.Sending, RecipientOutcome.Sent, true)]
    [InlineData(RecipientOutcome.Sending, RecipientOutcome.Accepted, true)]
    [InlineData(RecipientOutcome.Sending, RecipientOutcome.Failed, true)]
    [InlineData(RecipientOutcome.Waiting, RecipientOutcome.Sent, false)]
    [InlineData(RecipientOutcome.Sent, RecipientOutcome.Sending, false)]
    [InlineData(RecipientOutcome.Sent, RecipientOutcome.Failed, false)]
    [InlineData(RecipientOutcome.Failed, RecipientOutcome.Waiting, false)]
    [InlineData(RecipientOutcome.Accepted, RecipientOutcome.Sending, false)]
    public void A_recipient_only_moves_forward_and_is_never_sent_to_again_once_it_has_an_outcome(
        RecipientOutcome current, RecipientOutcome next, bool advances) =>
        Assert.Equal(advances, SendQueueTransition.Advances(current, next));

    [Fact]
    public void Progress_never_falls_and_reaches_100_only_with_the_last_recipient()
    {
        var total = 7;
        var percentages = Enumerable.Range(0, total + 1).Select(done => SendQueueTransition.Progress(done, total)).ToList();

        Assert.Equal(0, percentages[0]);
        Assert.Equal(100, percentages[^1]);
        Assert.All(percentages.Zip(percentages.Skip(1)), pair => Assert.True(pair.Second > pair.First));
        Assert.All(percentages.SkipLast(1), p => Assert.True(p < 100));
        Assert.Equal(99, SendQueueTransition.Progress(999, 1000));
    }

    [Fact]
    public void The_pacer_hands_out_slots_one_interval_apart_to_every_caller_in_turn()
    {
        var pacer = new MailingPacer(TimeSpan.FromMilliseconds(250));
        var start = new DateTimeOffset(2026, 12, 3, 22, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.Zero, pacer.Reserve(start));
        // Two queues asking at once get consecutive slots.
        Assert.Equal(TimeSpan.FromMilliseconds(250), pacer.Reserve(start));
        Assert.Equal(TimeSpan.FromMilliseconds(500), pacer.Reserve(start));
        // After a quiet spell nobody waits, and no slot is saved up for a burst.
        Assert.Equal(TimeSpan.Zero, pacer.Reserve(start.AddSeconds(10)));
        Assert.Equal(TimeSpan.FromMilliseconds(250), pacer.Reserve(start.AddSeconds(10)));
    }
}
