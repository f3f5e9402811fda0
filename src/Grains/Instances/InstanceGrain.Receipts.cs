using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Messages;
using CodeChat.Grains.Sessions;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.Instances;

/// <summary>
/// Receipts for the messages we sent: delivered, read, played move the stored status forward
/// (<see cref="Abstractions.Messages.MessageStatusTransition"/>) and raise <c>messages.update</c>, both in
/// one transaction. In a group each member's receipt is its own event (with <c>participant</c>), and so
/// is each viewer's of a status post, while the stored status follows the furthest any of them got.
/// </summary>
public sealed partial class InstanceGrain
{
    public async Task AcceptReceiptAsync(long epoch, SentMessageReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var session = _session;
        if (session is null || session.Epoch != epoch || !state.State.Exists)
            return;
        // A status post's viewers receipt it as a group's members do (whatsmeow parses status@broadcast as a group source).
        var perMember = receipt.From.EndsWith("@g.us", StringComparison.Ordinal) || receipt.From == WhatsApp.Binary.Jid.StatusBroadcast.ToString();
        var participant = perMember ? receipt.Participant : null;
        var at = receipt.Timestamp ?? timeProvider.GetUtcNow();
        var dispatcher = GrainFactory.GetGrain<IWebhookDispatcherGrain>(Name);
        using var change = new CancellationTokenSource(ChangeTimeout, timeProvider);
        foreach (var messageId in receipt.MessageIds.Distinct(StringComparer.Ordinal))
        {
            var outcome = await messages.RecordReceiptAsync(Name, messageId, receipt.Status, participant, at,
                (message, moved) => MessageEventPayloads.MessagesUpdate(
                    Name, state.State.Id, state.State.OwnerJid, moved.MessageId, message.Key, receipt.Status, participant, at),
                change.Token);
            if (outcome is null)
                continue;
            // Committed with the status change: the dispatcher may deliver it now.
            if (outcome.Value.Event is { } recorded)
                await dispatcher.DeliverAsync(recorded);
            LogReceiptApplied(Name, messageId, receipt.Status.ToString(), outcome.Value.Change.Advanced);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instance {InstanceName}: {Status} receipt for message {MessageId} (status moved: {Advanced})")]
    private partial void LogReceiptApplied(string instanceName, string messageId, string status, bool advanced);
}
