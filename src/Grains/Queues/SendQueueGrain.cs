using System.Text.Json;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Abstractions.Queues;
using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Events;
using CodeChat.Grains.Messages;
using CodeChat.Grains.Storage;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaMessage = CodeChat.WhatsApp.Proto.Message;

namespace CodeChat.Grains.Queues;

/// <summary>
/// One mailing (issue #12). Its state is the rows of <see cref="PostgresSendQueueStore"/>, written
/// fenced by version with their events. While running, a loop beside the grain's turns sends to one
/// recipient at a time through the instance's send pipeline: it waits the mailing's <c>delay</c>
/// between recipients and the instance's outbound slot (<see cref="IInstanceMessagingGrain.ReserveMailingSendAsync"/>),
/// records the intent (the recipient's message id is fixed when the queue is made) before it sends,
/// then the outcome with <c>send.message:PROCESSING</c> and moves the cursor. A recipient found with
/// its intent recorded (the previous activation died mid-send) is reconciled with the instance's
/// stored message of that id instead of being sent again: never twice, never skipped.
/// A reminder reactivates a running queue whose silo died; activation resumes it from the cursor.
/// </summary>
[GrainType("sendqueue")]
public sealed partial class SendQueueGrain(
    PostgresSendQueueStore store,
    PostgresMessageStore messages,
    IOptions<SendQueueOptions> options,
    TimeProvider timeProvider,
    ILogger<SendQueueGrain> logger) : Grain, ISendQueueGrain, IRemindable
{
    public const string WatchdogReminderName = "send-queue-watchdog";
    private static readonly TimeSpan WatchdogPeriod = TimeSpan.FromMinutes(1);
    private static readonly JsonSerializerOptions OptionsJson = new(JsonSerializerDefaults.Web);

    private string _instanceName = "";
    private Guid _queueId;
    private StoredSendQueue? _queue;
    private Task _run = Task.CompletedTask;
    private CancellationTokenSource _stop = new();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_instanceName, _queueId) = SendQueueKeys.Parse(this.GetPrimaryKeyString());
        _queue = await store.FindAsync(_queueId, cancellationToken);
        if (_queue is { Status: SendQueueStatus.Running })
        {
            LogResuming(_instanceName, _queueId, _queue.NextPosition);
            StartRunning();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        try
        {
            await _run.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Deactivation ran out of time: the send under way is recorded by the instance; the next activation reconciles it.
        }
    }

    public async Task<SendQueueResult> StartAsync(StartSendQueueCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_queue is not null)
            return new SendQueueResult(SendQueueOutcome.Done, _queue.View());
        if (command.Numbers.Count > options.Value.MaxRecipients)
            return new SendQueueResult(SendQueueOutcome.TooManyRecipients, MaxRecipients: options.Value.MaxRecipients);
        var instance = await GrainFactory.GetGrain<IInstanceGrain>(_instanceName).GetAsync(cancellationToken);
        if (instance is null)
            return SendQueueResult.Of(SendQueueOutcome.InstanceNotFound);
        if (instance.ConnectionStatus != InstanceConnectionStatus.Online || !Jid.TryParse(instance.OwnerJid, out var owner))
            return SendQueueResult.Of(SendQueueOutcome.NotConnected);

        var now = timeProvider.GetUtcNow();
        var recipients = new List<StoredRecipient>(command.Numbers.Count);
        foreach (var number in command.Numbers)
        {
            if (!RecipientJid.TryParse(number, out var jid))
                throw new ArgumentException($"'{number}' is not a recipient; the route checks every number first.", nameof(command));
            recipients.Add(new StoredRecipient(recipients.Count, number, jid.ToString(), MessageIds.Generate(owner.ToNonAd(), now), RecipientOutcome.Waiting, null));
        }
        var content = MessageContent.From(WaMessage.Parser.ParseFrom(command.Message));
        var queue = new StoredSendQueue(
            _queueId, _instanceName, instance.Id, instance.OwnerJid, SendQueueStatus.Running, command.Message, content.MessageType, content.Json,
            JsonSerializer.Serialize(command.Options with { MessageId = null }, OptionsJson), NextPosition: 0, Version: 0, now, now, recipients);

        // Stored with its START event before anyone hears of the queue; the reminder before the loop,
        // so a silo dying from here on leaves a queue that another silo resumes.
        if (!await store.CreateAsync(queue, SendQueueEventPayloads.Started(queue, now), CancellationToken.None))
            throw new InvalidOperationException($"Send queue {_queueId} exists already in storage but not in this activation.");
        await WakeDispatcherAsync();
        _queue = queue;
        await this.RegisterOrUpdateReminder(WatchdogReminderName, WatchdogPeriod, WatchdogPeriod);
        LogStarted(_instanceName, _queueId, recipients.Count);
        StartRunning();
        return new SendQueueResult(SendQueueOutcome.Done, queue.View());
    }

    public Task<SendQueueResult> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(_queue is null ? SendQueueResult.Of(SendQueueOutcome.QueueNotFound) : new SendQueueResult(SendQueueOutcome.Done, _queue.View()));

    public async Task<SendQueueResult> PauseAsync(CancellationToken cancellationToken = default)
    {
        if (await ControlAsync(SendQueueCommand.Pause) is { } refused)
            return refused;
        return new SendQueueResult(SendQueueOutcome.Done, _queue!.View());
    }

    public async Task<SendQueueResult> ResumeAsync(CancellationToken cancellationToken = default)
    {
        if (await ControlAsync(SendQueueCommand.Resume) is { } refused)
            return refused;
        StartRunning();
        return new SendQueueResult(SendQueueOutcome.Done, _queue!.View());
    }

    public async Task<SendQueueResult> DeleteAsync(CancellationToken cancellationToken = default)
    {
        var last = _queue?.View();
        if (await ControlAsync(SendQueueCommand.Delete) is { } refused)
            return refused;
        return new SendQueueResult(SendQueueOutcome.Done, (_queue?.View() ?? last)! with { Status = SendQueueStatus.Deleted });
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WatchdogReminderName)
            return;
        if (_queue is null)
        {
            await UnregisterWatchdogAsync();
            DeactivateOnIdle();
            return;
        }
        if (_queue.Status == SendQueueStatus.Running && _run.IsCompleted)
            StartRunning();
    }

    /// <summary>
    /// Applies a caller's command: stops the loop and waits for the send under way to be recorded (so
    /// nothing is sent once a pause or delete answered), then writes the status with its event.
    /// Null when done; otherwise the answer refusing it.
    /// </summary>
    private async Task<SendQueueResult?> ControlAsync(SendQueueCommand command)
    {
        if (_queue is null)
            return SendQueueResult.Of(SendQueueOutcome.QueueNotFound);
        var transition = SendQueueTransition.Apply(_queue.Status, command);
        if (transition.Kind == SendQueueTransitionKind.Unchanged)
            return null;
        if (command is SendQueueCommand.Pause or SendQueueCommand.Delete)
            await StopRunningAsync();
        // The loop may have completed the queue (or lost it to another activation) meanwhile.
        if (_queue is null || SendQueueTransition.Apply(_queue.Status, command).Kind == SendQueueTransitionKind.Refused)
            return SendQueueResult.Of(SendQueueOutcome.QueueNotFound);

        var now = timeProvider.GetUtcNow();
        var changed = SendQueueEventPayloads.Controlled(_queue, command, now);
        var written = command == SendQueueCommand.Delete
            ? await store.RemoveAsync(_queueId, _queue.Version, [changed], now, CancellationToken.None)
            : await store.ChangeStatusAsync(_queueId, _queue.Version, transition.Status, changed, now, CancellationToken.None);
        if (!written)
        {
            // Another activation wrote since this one read: take its view and let the caller try again.
            _queue = await store.FindAsync(_queueId, CancellationToken.None);
            return _queue is null ? SendQueueResult.Of(SendQueueOutcome.QueueNotFound) : await ControlAsync(command);
        }
        await WakeDispatcherAsync();
        LogControlled(_instanceName, _queueId, command);
        if (command == SendQueueCommand.Delete)
        {
            await UnregisterWatchdogAsync();
            _queue = null;
            return null;
        }
        _queue = _queue with { Status = transition.Status, Version = _queue.Version + 1, UpdatedAt = now };
        return null;
    }

    private void StartRunning()
    {
        if (!_run.IsCompleted)
            return;
        if (_stop.IsCancellationRequested)
        {
            _stop.Dispose();
            _stop = new CancellationTokenSource();
        }
        _run = RunAsync(_stop.Token);
    }

    private async Task StopRunningAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }

    private async Task RunAsync(CancellationToken stop)
    {
        // Off the caller's turn: the loop's continuations run on the grain's scheduler between turns.
        await Task.Yield();
        while (!stop.IsCancellationRequested && _queue is { Status: SendQueueStatus.Running } queue)
        {
            try
            {
                if (!await SendNextAsync(queue, stop))
                    return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Storage or the cluster failed for a moment: start again from what is stored.
                LogRunFailed(_instanceName, _queueId, exception);
                if (!await WaitAsync(options.Value.DisconnectedRetryInterval, stop))
                    return;
                _queue = await store.FindAsync(_queueId, CancellationToken.None);
            }
        }
    }

    /// <summary>Sends to the recipient at the cursor and records the outcome; false when the loop ends.</summary>
    private async Task<bool> SendNextAsync(StoredSendQueue queue, CancellationToken stop)
    {
        var recipient = queue.Recipients[queue.NextPosition];
        var (outcome, error) = recipient.Outcome == RecipientOutcome.Sending
            ? await ReconcileAsync(recipient)
            : (null, null);
        if (outcome is null)
        {
            if (recipient.Position > 0 && recipient.Outcome == RecipientOutcome.Waiting && !await WaitAsync(PickDelay(queue), stop))
                return false;
            var slot = await GrainFactory.GetGrain<IInstanceMessagingGrain>(_instanceName).ReserveMailingSendAsync(CancellationToken.None);
            if (!await WaitAsync(slot, stop))
                return false;
            if (recipient.Outcome == RecipientOutcome.Waiting)
            {
                if (!await store.RecordIntentAsync(_queueId, queue.Version, recipient.Position, timeProvider.GetUtcNow(), CancellationToken.None))
                    return LostToAnotherActivation();
                queue = queue with { Version = queue.Version + 1 };
                _queue = queue;
                recipient = recipient with { Outcome = RecipientOutcome.Sending };
            }
            (outcome, error) = await SendAsync(queue, recipient);
            if (outcome is null)
            {
                // Not connected (or the instance is going): the same recipient again after a while, from
                // what is stored (the intent stays recorded; a deleted instance took the queue with it).
                if (!await WaitAsync(options.Value.DisconnectedRetryInterval, stop))
                    return false;
                _queue = await store.FindAsync(_queueId, CancellationToken.None);
                return _queue is not null;
            }
        }
        return await RecordAsync(queue, recipient with { Outcome = outcome.Value, Error = error });
    }

    /// <summary>Sends one message with the recipient's fixed id: its outcome, or null when the instance is not connected.</summary>
    private async Task<(RecipientOutcome? Outcome, string? Error)> SendAsync(StoredSendQueue queue, StoredRecipient recipient)
    {
        var sendOptions = JsonSerializer.Deserialize<SendOptions>(queue.OptionsJson, OptionsJson)! with { MessageId = recipient.MessageId, Delay = null };
        var result = await GrainFactory.GetGrain<IInstanceMessagingGrain>(_instanceName)
            .SendMessageAsync(new OutgoingMessageCommand(recipient.Number, queue.Message, sendOptions), CancellationToken.None);
        return result.Outcome switch
        {
            SendOutcome.Sent => (RecipientOutcome.Sent, null),
            SendOutcome.Accepted => (RecipientOutcome.Accepted, null),
            SendOutcome.NotConnected or SendOutcome.NotFound => (null, null),
            SendOutcome.DuplicateMessageId => await ReconcileAsync(recipient) is { Outcome: not null } known ? known : (RecipientOutcome.Accepted, null),
            SendOutcome.NotOnWhatsApp => (RecipientOutcome.Failed, $"{result.Detail} is not on WhatsApp"),
            SendOutcome.GroupNotFound => (RecipientOutcome.Failed, "Group not found"),
            SendOutcome.QuotedNotFound => (RecipientOutcome.Failed, "Quoted message not found"),
            SendOutcome.MentionsOutsideGroup => (RecipientOutcome.Failed, "Mentions are only possible in a group"),
            SendOutcome.InvalidRecipient => (RecipientOutcome.Failed, result.Detail ?? "Invalid format"),
            _ => (RecipientOutcome.Failed, result.Detail ?? "The message could not be sent"),
        };
    }

    /// <summary>
    /// A recipient whose intent was recorded by an activation that did not record the outcome: the
    /// instance's stored message with the recipient's id says what happened. None stored: the send
    /// never got as far as the instance (null: send it now, with the same id).
    /// </summary>
    private async Task<(RecipientOutcome? Outcome, string? Error)> ReconcileAsync(StoredRecipient recipient)
    {
        var stored = await messages.FindByMessageIdAsync(_instanceName, recipient.MessageId, null, CancellationToken.None);
        LogReconciled(_instanceName, _queueId, recipient.Position, stored?.Status.ToString() ?? "none");
        return stored?.Status switch
        {
            null => (null, null),
            MessageStatus.Error => (RecipientOutcome.Failed, "The message could not be sent"),
            MessageStatus.Pending => (RecipientOutcome.Accepted, null),
            _ => (RecipientOutcome.Sent, null),
        };
    }

    /// <summary>Records the outcome with its events and moves on; the last recipient completes (and clears) the queue.</summary>
    private async Task<bool> RecordAsync(StoredSendQueue queue, StoredRecipient recipient)
    {
        var now = timeProvider.GetUtcNow();
        var updated = queue with { Recipients = Replace(queue.Recipients, recipient), NextPosition = recipient.Position + 1 };
        var progress = updated.Progress;
        List<InstanceEventDraft> events = [];
        if (recipient.Outcome == RecipientOutcome.Failed)
            events.Add(SendQueueEventPayloads.Failed(queue, recipient, recipient.Error ?? "The message could not be sent"));
        events.Add(SendQueueEventPayloads.Processing(queue, recipient, MessageStatusName(recipient.Outcome), progress, now));

        var last = updated.NextPosition >= updated.Recipients.Count;
        if (last)
        {
            events.Add(SendQueueEventPayloads.Completed(updated, now));
            if (!await store.RemoveAsync(_queueId, queue.Version, events, now, CancellationToken.None))
                return LostToAnotherActivation();
            await WakeDispatcherAsync();
            _queue = null;
            LogCompleted(_instanceName, _queueId, updated.Recipients.Count);
            await UnregisterWatchdogAsync();
            return false;
        }
        if (!await store.RecordOutcomeAsync(_queueId, queue.Version, recipient.Position, recipient.Outcome, recipient.Error, events, now, CancellationToken.None))
            return LostToAnotherActivation();
        await WakeDispatcherAsync();
        _queue = updated with { Version = queue.Version + 1, UpdatedAt = now };
        return true;
    }

    private static string MessageStatusName(RecipientOutcome outcome) => outcome switch
    {
        RecipientOutcome.Sent => MessageStatusNames.Of(MessageStatus.ServerAck),
        RecipientOutcome.Accepted => MessageStatusNames.Of(MessageStatus.Pending),
        _ => MessageStatusNames.Of(MessageStatus.Error),
    };

    private static IReadOnlyList<StoredRecipient> Replace(IReadOnlyList<StoredRecipient> recipients, StoredRecipient recipient)
    {
        var copy = recipients.ToArray();
        copy[recipient.Position] = recipient;
        return copy;
    }

    private static TimeSpan PickDelay(StoredSendQueue queue) =>
        JsonSerializer.Deserialize<SendOptions>(queue.OptionsJson, OptionsJson)?.Delay?.Pick() ?? TimeSpan.Zero;

    /// <summary>Waits unless stopped; false when stopped.</summary>
    private async Task<bool> WaitAsync(TimeSpan wait, CancellationToken stop)
    {
        if (stop.IsCancellationRequested)
            return false;
        if (wait <= TimeSpan.Zero)
            return true;
        try
        {
            await Task.Delay(wait, timeProvider, stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private bool LostToAnotherActivation()
    {
        // A newer activation (after a silo was declared dead) wrote the queue: this one stops and goes.
        LogFenced(_instanceName, _queueId);
        _queue = null;
        DeactivateOnIdle();
        return false;
    }

    private Task WakeDispatcherAsync() => GrainFactory.GetGrain<IWebhookDispatcherGrain>(_instanceName).WakeAsync();

    private async Task UnregisterWatchdogAsync()
    {
        if (await this.GetReminder(WatchdogReminderName) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: send queue {QueueId} started for {Recipients} recipients")]
    private partial void LogStarted(string instanceName, Guid queueId, int recipients);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: send queue {QueueId} resumes at recipient #{Position}")]
    private partial void LogResuming(string instanceName, Guid queueId, int position);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: send queue {QueueId} completed ({Recipients} recipients)")]
    private partial void LogCompleted(string instanceName, Guid queueId, int recipients);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: send queue {QueueId}: {Command}")]
    private partial void LogControlled(string instanceName, Guid queueId, SendQueueCommand command);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: send queue {QueueId} reconciled recipient #{Position} with the stored message (status {Status})")]
    private partial void LogReconciled(string instanceName, Guid queueId, int position, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: send queue {QueueId} was written by another activation; this one stops")]
    private partial void LogFenced(string instanceName, Guid queueId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: send queue {QueueId} stopped on an error; it goes on from its stored cursor")]
    private partial void LogRunFailed(string instanceName, Guid queueId, Exception exception);
}
