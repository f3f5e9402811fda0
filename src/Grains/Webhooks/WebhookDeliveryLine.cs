using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Events;
using CodeChat.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.Webhooks;

/// <summary>The services a delivery line uses, shared by the lines of a dispatcher.</summary>
public sealed record WebhookLineServices(
    PostgresWebhookLineStore Lines,
    PostgresInstanceEventStore Events,
    WebhookSender Sender,
    WebhookRetryPolicy RetryPolicy,
    WebhookMetrics Metrics,
    QrCodeRedactor Redactor,
    TimeProvider TimeProvider,
    ILogger Logger);

/// <summary>
/// One instance × endpoint line: a loop that delivers the outbox in sequence order, one POST at a
/// time, queued replays first. It keeps the line's stored state in memory (the dispatcher grain is
/// the only writer) and writes every attempt's outcome before it moves on, so whichever activation
/// runs the line next — here after a wake-up, or on another silo after a crash — resumes from the
/// last acknowledged sequence with the head's retry count and schedule intact.
/// Runs on the dispatcher's activation scheduler: no locking needed.
/// </summary>
internal sealed partial class WebhookDeliveryLine(
    string instanceName,
    string endpoint,
    WebhookLineServices services,
    Func<CancellationToken, ValueTask<WebhookTarget?>> targetOf,
    Func<WebhookTarget, string, CancellationToken, Task<bool>> disableEndpoint,
    Action keepAlive)
{
    private const int EventBatch = 256;
    private const int ReplayBatch = 64;
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly Queue<InstanceEventRecord> _buffer = new();
    // The sequence of the buffer's last event (meaningful while the buffer holds any).
    private long _bufferedTo;
    private WebhookLineState? _state;
    private List<WebhookReplayItem>? _replays;
    private Task? _loop;
    // Bumped by Reload. The loop's awaits let grain calls run in between, so a step that began before
    // a webhook/set or a replay request must not act on what it read before it (e.g. sign with a
    // rotated-out secret only): it starts over instead.
    private int _generation;
    // True while the outbox may hold events after the buffer's last that the line has not read: at the
    // start, after a plain wake-up (an append that did not hand its event over), after a hand-over the
    // line could not take, after a full batch. A line kept fed by hand-overs never reads the outbox.
    private bool _unread = true;
    private readonly ILogger _logger = services.Logger;

    public Task Completion => _loop ?? Task.CompletedTask;

    /// <summary>Runs the loop if it is not running, and has it look in the outbox for work now.</summary>
    public void Wake(CancellationToken stopping)
    {
        _unread = true;
        Signal(stopping);
    }

    /// <summary>
    /// Wakes the loop with an event just committed to the outbox, buffered when it is the very next one
    /// the line expects, so the loop delivers it without reading the outbox; any other (the line's state
    /// not loaded yet, a hand-over overtaking an earlier one, a full buffer) has the loop read the outbox.
    /// </summary>
    public void Offer(InstanceEventRecord record, CancellationToken stopping)
    {
        if (_state is not null && _buffer.Count < EventBatch && record.Sequence == NextExpected)
            Buffer(record);
        else
            _unread = true;
        Signal(stopping);
    }

    /// <summary>Forget what is cached (the endpoint or the replay queue changed) and look again.</summary>
    public void Reload(CancellationToken stopping)
    {
        _generation++;
        ForgetCache();
        Signal(stopping);
    }

    /// <summary>The sequence the line takes next into its buffer: the one after the buffer's last, or after the last acknowledged.</summary>
    private long NextExpected => (_buffer.Count > 0 ? _bufferedTo : _state!.AckedSequence) + 1;

    private void Buffer(InstanceEventRecord record)
    {
        _buffer.Enqueue(record);
        _bufferedTo = record.Sequence;
    }

    private void Signal(CancellationToken stopping)
    {
        if (_loop is null || _loop.IsCompleted)
            _loop = RunAsync(stopping);
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        await Task.Yield();
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan? wait;
            try
            {
                wait = await StepAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogStepFailed(instanceName, endpoint, exception);
                ForgetCache();
                wait = ErrorBackoff;
            }

            if (wait is not { } delay)
                continue;
            try
            {
                await _signal.WaitAsync(delay, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One step: deliver or skip something and return null, or return how long to wait for work.</summary>
    private async Task<TimeSpan?> StepAsync(CancellationToken cancellationToken)
    {
        var generation = _generation;
        var target = await targetOf(cancellationToken);
        if (target is null)
        {
            // Nothing to deliver to: hold no events in memory meanwhile (hand-overs are not buffered
            // without the line's state); the line reads from its acknowledged sequence when it is back.
            ForgetCache();
            return Timeout.InfiniteTimeSpan;
        }
        var now = services.TimeProvider.GetUtcNow();

        _replays ??= [.. await services.Lines.ReadReplaysAsync(instanceName, endpoint, ReplayBatch, cancellationToken)];
        if (Superseded(generation))
            return null;
        if (_replays.Count > 0)
        {
            var item = _replays[0];
            if (item.NextAttemptAt > now)
                return item.NextAttemptAt.Value - now;
            keepAlive();
            var replayDecision = await AttemptAsync(target, item.Record, item.Attempts, item.FirstFailedAt, item.Id, cancellationToken);
            if (Superseded(generation))
                return null; // the attempt is recorded; the replay queue is read again
            if (replayDecision.Kind == WebhookDecisionKind.Retry)
                _replays[0] = item with { Attempts = item.Attempts + 1, FirstFailedAt = item.FirstFailedAt ?? now, NextAttemptAt = replayDecision.NextAttemptAt };
            else
                _replays.RemoveAt(0);
            if (_replays.Count == 0)
                _replays = null; // look for more queued meanwhile
            return null;
        }

        _state ??= await services.Lines.GetLineAsync(instanceName, endpoint, cancellationToken);
        if (Superseded(generation))
            return null;
        if (_state.NextAttemptAt > now)
            return _state.NextAttemptAt.Value - now;

        if (_buffer.Count == 0)
        {
            if (!_unread)
                return Timeout.InfiniteTimeSpan;
            // Cleared before the read, so a wake-up while it is under way has the next step read again.
            _unread = false;
            var records = await services.Events.ReadAsync(instanceName, _state.AckedSequence, EventBatch, cancellationToken);
            services.Metrics.OutboxRead();
            if (records.Count == EventBatch)
                _unread = true;
            if (Superseded(generation))
                return null;
            // A hand-over (Offer) may have buffered some of these while the read was under way.
            foreach (var record in records)
            {
                if (record.Sequence >= NextExpected)
                    Buffer(record);
            }
            if (_buffer.Count == 0)
                return Timeout.InfiniteTimeSpan;
        }

        long skippedTo = 0;
        var skippedQrCode = false;
        while (_buffer.TryPeek(out var next) && !target.Wants(next.Event, next.InstanceId))
        {
            skippedQrCode |= InstanceEventNames.CarriesCodes(next.Event);
            skippedTo = _buffer.Dequeue().Sequence;
        }
        if (skippedTo > 0)
        {
            // Moved on before the write, so a hand-over of the next event meanwhile finds the line
            // expecting it; a failed write reloads the state from the database.
            _state = WebhookLineState.Start with { AckedSequence = skippedTo };
            await services.Lines.AdvanceAsync(instanceName, endpoint, skippedTo, cancellationToken);
            if (Superseded(generation))
                return null;
            if (skippedQrCode)
                await RedactPassedQrCodesAsync(cancellationToken);
            return null;
        }

        keepAlive();
        var head = _buffer.Peek();
        var decision = await AttemptAsync(target, head, _state.HeadAttempts, _state.HeadFailedAt, null, cancellationToken);
        if (Superseded(generation))
            return null; // the attempt is recorded; the line's state is read again
        if (decision.Kind == WebhookDecisionKind.Retry)
        {
            _state = _state with { HeadAttempts = _state.HeadAttempts + 1, HeadFailedAt = _state.HeadFailedAt ?? now, NextAttemptAt = decision.NextAttemptAt };
        }
        else
        {
            _buffer.Dequeue();
            _state = WebhookLineState.Start with { AckedSequence = head.Sequence };
            if (InstanceEventNames.CarriesCodes(head.Event))
                await RedactPassedQrCodesAsync(cancellationToken);
        }

        return null;
    }

    /// <summary>
    /// This line no longer needs the QR event it moved past; if no other line does, its secrets go now
    /// (once the stream grace passed; otherwise the sweeper takes it). Best effort: the sweeper retries.
    /// </summary>
    private async Task RedactPassedQrCodesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await services.Redactor.RedactDueAsync(instanceName, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRedactionFailed(instanceName, exception);
        }
    }

    /// <summary>True (with the cache dropped) when a Reload happened since the step began.</summary>
    private bool Superseded(int generation)
    {
        if (generation == _generation)
            return false;
        ForgetCache();
        return true;
    }

    private void ForgetCache()
    {
        _unread = true;
        _state = null;
        _replays = null;
        _buffer.Clear();
    }

    private async Task<WebhookDecision> AttemptAsync(
        WebhookTarget target, InstanceEventRecord record, int failedAttempts, DateTimeOffset? firstFailedAt, long? replayId,
        CancellationToken cancellationToken)
    {
        var attemptedAt = services.TimeProvider.GetUtcNow();
        var response = await services.Sender.SendAsync(target, record, WebhookEnvelope.Serialize(record), cancellationToken);
        var answeredAt = services.TimeProvider.GetUtcNow();
        var decision = services.RetryPolicy.Decide(response, failedAttempts, firstFailedAt, answeredAt);
        // A 410 switches the instance's endpoint off before the attempt is recorded, so the record says
        // whether it did (it does not when the webhook was set again while the POST was under way).
        var goneFromInstanceEndpoint = decision.Kind == WebhookDecisionKind.Gone && endpoint == WebhookEndpoints.Instance;
        var disabled = goneFromInstanceEndpoint
            && await disableEndpoint(target, $"The receiver answered 410 Gone at {WebhookEnvelope.FormatDate(answeredAt)}", CancellationToken.None);
        var outcome = decision.Kind switch
        {
            WebhookDecisionKind.Delivered => WebhookAttemptOutcomes.Delivered,
            WebhookDecisionKind.Retry => WebhookAttemptOutcomes.Retrying,
            _ when disabled => WebhookAttemptOutcomes.EndpointDisabled,
            _ => WebhookAttemptOutcomes.DeadLettered,
        };

        // Recorded even when the activation is stopping: the receiver has answered, and an unrecorded
        // success would only be delivered again.
        await services.Lines.RecordAttemptAsync(
            new WebhookAttemptRecord(endpoint, record, failedAttempts + 1, outcome, response, decision, attemptedAt, replayId),
            CancellationToken.None);
        services.Metrics.Attempted(endpoint, outcome, response.Latency);

        switch (decision.Kind)
        {
            case WebhookDecisionKind.Delivered:
                services.Metrics.Delivered(endpoint, record.Event, answeredAt - record.CreatedAt);
                LogDelivered(instanceName, endpoint, record.Event, record.Sequence, failedAttempts + 1);
                break;
            case WebhookDecisionKind.Retry:
                services.Metrics.Retried(endpoint);
                LogRetrying(instanceName, endpoint, record.Sequence, failedAttempts + 1, decision.Error, decision.NextAttemptAt);
                break;
            default:
                services.Metrics.DeadLettered(endpoint);
                LogDeadLettered(instanceName, endpoint, record.Sequence, failedAttempts + 1, decision.Error);
                if (disabled)
                    LogDisabled(instanceName);
                else if (goneFromInstanceEndpoint)
                    LogNotDisabledAfterChange(instanceName);
                break;
        }

        return decision;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {InstanceName}/{Endpoint}: {EventName} #{Sequence} delivered (attempt {Attempt})")]
    private partial void LogDelivered(string instanceName, string endpoint, string eventName, long sequence, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {InstanceName}/{Endpoint}: event #{Sequence} attempt {Attempt} failed ({Error}); next try at {NextAttemptAt}")]
    private partial void LogRetrying(string instanceName, string endpoint, long sequence, int attempt, string? error, DateTimeOffset? nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {InstanceName}/{Endpoint}: event #{Sequence} dead-lettered after {Attempts} attempts ({Error})")]
    private partial void LogDeadLettered(string instanceName, string endpoint, long sequence, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook of instance {InstanceName} disabled: the receiver answered 410 Gone")]
    private partial void LogDisabled(string instanceName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook of instance {InstanceName} not disabled by the receiver's 410 Gone: the endpoint changed since the attempt began")]
    private partial void LogNotDisabledAfterChange(string instanceName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {InstanceName}: redacting delivered QR events failed; the sweeper retries")]
    private partial void LogRedactionFailed(string instanceName, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {InstanceName}/{Endpoint}: delivery step failed; retrying shortly")]
    private partial void LogStepFailed(string instanceName, string endpoint, Exception exception);
}
