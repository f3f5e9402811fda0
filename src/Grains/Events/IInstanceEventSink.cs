using CodeChat.Grains.Abstractions.Events;

namespace CodeChat.Grains.Events;

/// <summary>
/// Where instance grains record the events they raise. An event is durable (with its id and
/// per-instance sequence) when the task completes; only then may the grain act on it further.
/// </summary>
public interface IInstanceEventSink
{
    Task<InstanceEventRecord> AppendAsync(InstanceEventDraft draft, CancellationToken cancellationToken = default);
}
