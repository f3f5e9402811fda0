namespace CodeChat.Grains.Events;

/// <summary>
/// An event about to be appended: who raised it, its name and its <c>data</c> as JSON text.
/// <see cref="Id"/> is set when the event was staged in the instance record before it reached the
/// outbox (<see cref="Instances.PendingInstanceEvent"/>): appending it again is then a no-op that
/// returns the row already there, so a relay repeated after a crash never duplicates it.
/// </summary>
public sealed record InstanceEventDraft(string InstanceName, long InstanceId, string? OwnerJid, string Event, string DataJson)
{
    public Guid? Id { get; init; }
}
