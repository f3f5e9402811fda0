using CodeChat.Grains.Abstractions.Queues;

namespace CodeChat.Grains.Queues;

/// <summary>What a caller or the queue itself asks of a queue's status.</summary>
public enum SendQueueCommand
{
    Pause,
    Resume,
    Delete,
    /// <summary>The last recipient has an outcome.</summary>
    Complete,
}

/// <summary>Whether a command changes the status, leaves it as it is (asked twice), or is not possible from where the queue is.</summary>
public enum SendQueueTransitionKind
{
    Changed,
    Unchanged,
    Refused,
}

/// <summary>The result of <see cref="SendQueueTransition.Apply"/>: the kind and the status after it.</summary>
public readonly record struct SendQueueTransitionResult(SendQueueTransitionKind Kind, SendQueueStatus Status);

/// <summary>
/// The queue's status machine, kept apart from the grain so that it is tested without a silo.
/// running ⇄ paused; running or paused → deleted; running → completed (a paused queue does not
/// complete: its cursor does not move). Completed and deleted are final. Pausing a paused queue or
/// resuming a running one changes nothing (no second event): both calls are safe to repeat.
/// </summary>
public static class SendQueueTransition
{
    public static SendQueueTransitionResult Apply(SendQueueStatus current, SendQueueCommand command) => (current, command) switch
    {
        (SendQueueStatus.Completed or SendQueueStatus.Deleted, _) => new(SendQueueTransitionKind.Refused, current),
        (SendQueueStatus.Running, SendQueueCommand.Pause) => new(SendQueueTransitionKind.Changed, SendQueueStatus.Paused),
        (SendQueueStatus.Paused, SendQueueCommand.Pause) => new(SendQueueTransitionKind.Unchanged, current),
        (SendQueueStatus.Paused, SendQueueCommand.Resume) => new(SendQueueTransitionKind.Changed, SendQueueStatus.Running),
        (SendQueueStatus.Running, SendQueueCommand.Resume) => new(SendQueueTransitionKind.Unchanged, current),
        (_, SendQueueCommand.Delete) => new(SendQueueTransitionKind.Changed, SendQueueStatus.Deleted),
        (SendQueueStatus.Running, SendQueueCommand.Complete) => new(SendQueueTransitionKind.Changed, SendQueueStatus.Completed),
        (SendQueueStatus.Paused, SendQueueCommand.Complete) => new(SendQueueTransitionKind.Refused, current),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown command."),
    };

    /// <summary>Whether a recipient may move from <paramref name="current"/> to <paramref name="next"/>: waiting → sending → an end; never back.</summary>
    public static bool Advances(RecipientOutcome current, RecipientOutcome next) => (current, next) switch
    {
        (RecipientOutcome.Waiting, RecipientOutcome.Sending) => true,
        (RecipientOutcome.Waiting or RecipientOutcome.Sending, RecipientOutcome.Failed) => true,
        (RecipientOutcome.Sending, RecipientOutcome.Sent or RecipientOutcome.Accepted) => true,
        _ => false,
    };

    /// <summary>The percentage done after <paramref name="done"/> of <paramref name="total"/> recipients have an outcome: never falls, 100 only at the end.</summary>
    public static int Progress(int done, int total)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(total);
        ArgumentOutOfRangeException.ThrowIfNegative(done);
        return (int)(Math.Min(done, total) * 100L / total);
    }
}
