using CodeChat.Grains.Events;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.Instances;

/// <summary>
/// A state change and its outbox event in one transaction. The grain-storage write is the one atomic
/// step the grain has, so the event rides in it: <see cref="Stage"/> before the write puts the event
/// (with its final id) into <see cref="InstanceState.PendingEvents"/>; the write stores the change and
/// the event together; <see cref="RelayPendingEventsAsync"/> then appends it to <c>instance_events</c>.
/// A crash between the two leaves the event in the record, and the next activation relays it; the id
/// makes a repeated relay return the row already there instead of a second one.
/// </summary>
public sealed partial class InstanceGrain
{
    private readonly List<PendingInstanceEvent> _staged = [];

    /// <summary>Adds an event to the next record write (connection.update only: nothing secret rests in the record).</summary>
    private void Stage(InstanceEventDraft draft) =>
        _staged.Add(PendingInstanceEvent.Stage(draft, Guid.CreateVersion7(timeProvider.GetUtcNow())));

    /// <summary>
    /// Writes the record (ETag-checked) with the staged events. A failed write stores nothing, so its
    /// events are dropped with it: never an event for a change that was not stored.
    /// </summary>
    private async Task WriteRecordAsync()
    {
        var unrelayed = state.State.PendingEvents;
        if (_staged.Count > 0)
            state.State.PendingEvents = [.. unrelayed ?? [], .. _staged];
        _staged.Clear();
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.PendingEvents = unrelayed;
            throw;
        }
    }

    /// <summary>
    /// Appends the written events to the outbox in order. The record keeps its copy until its next
    /// write (rewriting it only to forget them would cost a write per event); a relay after a restart
    /// finds those rows and appends nothing.
    /// </summary>
    private async Task RelayPendingEventsAsync(CancellationToken cancellationToken)
    {
        while (state.State.PendingEvents is { Count: > 0 } pending)
        {
            await AppendAsync(pending[0].ToDraft(Name), cancellationToken);
            pending.RemoveAt(0);
        }
        state.State.PendingEvents = null;
    }

    private async Task RelayStagedEventsOnActivationAsync(CancellationToken cancellationToken)
    {
        if (state.State.PendingEvents is not { Count: > 0 } pending)
            return;
        LogRelayingStagedEvents(Name, pending.Count);
        try
        {
            await RelayPendingEventsAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The activation must still succeed; the next write or relay carries them on.
            LogRelayFailed(Name, exception);
        }
    }

    /// <summary>A fenced-out activation forgets what it staged: the live one owns the record and its events.</summary>
    private void DropUnrelayedEvents()
    {
        _staged.Clear();
        state.State.PendingEvents = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: relaying {Count} event(s) written with the record but not yet in the outbox")]
    private partial void LogRelayingStagedEvents(string instanceName, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: relaying the record's staged events failed; the next write retries")]
    private partial void LogRelayFailed(string instanceName, Exception exception);
}
