using System.Runtime.CompilerServices;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Messages;
using CodeChat.Grains.Sessions;
using CodeChat.Grains.Storage;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using ContextInfo = CodeChat.WhatsApp.Proto.ContextInfo;
using Microsoft.Extensions.Logging;
using WaMessage = CodeChat.WhatsApp.Proto.Message;

namespace CodeChat.Grains.Instances;

/// <summary>
/// The send pipeline (api-contract.md §6 "Single send timing"). The call runs interleaved
/// (<see cref="IInstanceMessagingGrain"/>): it checks the recipient, composes the message, stores it
/// PENDING, then starts the send beside the grain's turns and waits for its outcome at most
/// <see cref="MessagingOptions.SendTimeout"/>. The send itself never holds a turn, so an incoming
/// message's durable hook (a grain call the client's receive worker awaits before its receipt) is
/// stored while our send waits for its ack. The client's single send gate keeps the ratchets in order.
/// Every outcome is stored with its event in one transaction: SERVER_ACK with <c>messages.update</c>,
/// ERROR with <c>send.message:ERROR</c>; a send the connection broke stays PENDING and goes out again,
/// with the same id, when the next session opens.
/// </summary>
public sealed partial class InstanceGrain
{
    private const int ResendBatch = 500;

    // Sends running in this activation, by stored id: a resend after a reconnect skips them.
    private readonly Dictionary<long, Task<SendAttempt>> _sending = [];

    /// <summary>
    /// How one send attempt ended: failed for good (<see cref="Error"/> says why), left PENDING for the
    /// next session, or acked. An acked message's stored status may already be past SERVER_ACK: the
    /// recipient's delivery receipt can overtake the server's ack, and a status never moves back.
    /// </summary>
    private sealed record SendAttempt(StoredMessage Message, string? Error)
    {
        public bool Failed => Error is not null;

        public bool Deferred => !Failed && Message.Status == MessageStatus.Pending;
    }

    public async Task<SendMessageResult> SendMessageAsync(OutgoingMessageCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!state.State.Exists)
            return SendMessageResult.Of(SendOutcome.NotFound);
        var session = _session;
        if (OpenClient() is not { } client || session is null || client.Credentials?.GetJid() is not { } ownDevice)
            return SendMessageResult.Of(SendOutcome.NotConnected);

        var options = command.Options;
        Recipient? recipient;
        IReadOnlyList<Jid>? audience = null;
        if (RecipientJid.TryParse(command.Recipient, out var target) && target.IsStatusBroadcast)
        {
            (audience, var statusRefusal) = await ResolveStatusAudienceAsync(client, options, ownDevice, cancellationToken);
            if (statusRefusal is not null)
                return statusRefusal;
            recipient = new Recipient(Jid.StatusBroadcast, null);
        }
        else if (options.HasStatusOptions)
            return SendMessageResult.Of(SendOutcome.InvalidRecipient, "The status options are only for number status@broadcast");
        else
        {
            (recipient, var refusal) = await ResolveRecipientAsync(client, command.Recipient, cancellationToken);
            if (refusal is not null)
                return refusal;
        }
        var message = WaMessage.Parser.ParseFrom(command.Message);
        StyleStatusText(message, options);
        var chat = recipient!.Jid.ToString();
        var ownJid = ownDevice.ToNonAd().ToString();

        if (options.QuotedMessageId is not null || options.QuotedStoredId is not null)
        {
            var quoted = options.QuotedStoredId is { } storedId
                ? await messages.FindAsync(Name, storedId, cancellationToken)
                : await messages.FindByMessageIdAsync(Name, options.QuotedMessageId!, chat, cancellationToken)
                    ?? await messages.FindByMessageIdAsync(Name, options.QuotedMessageId!, null, cancellationToken);
            if (quoted is null)
                return SendMessageResult.Of(SendOutcome.QuotedNotFound);
            OutgoingMessageComposer.AddContext(message, OutgoingMessageComposer.Quote(quoted, chat, ownJid));
        }
        if (options.HasMentions)
        {
            if (recipient.Group is not { } group)
                return SendMessageResult.Of(SendOutcome.MentionsOutsideGroup);
            var mentioned = MentionedJids(options, group, ownDevice, client.Credentials?.GetLid());
            if (options.MentionEveryone && !options.GhostMention)
                OutgoingMessageComposer.AddMentionReferences(message, mentioned);
            var mentions = new ContextInfo();
            mentions.MentionedJID.AddRange(mentioned);
            OutgoingMessageComposer.AddContext(message, mentions);
        }

        // Accepted from here: the row is written whatever the caller does next.
        var now = timeProvider.GetUtcNow();
        var id = options.MessageId ?? MessageIds.Generate(ownDevice, now);
        var content = MessageContent.From(message);
        var chatEvents = new StrongBox<int>();
        var saved = await messages.SaveAsync(Name, new NewMessage(
            new MessageKey(chat, id, FromMe: true),
            Participant: null,
            SenderPn: ownJid,
            SenderLid: client.Credentials?.GetLid()?.ToNonAd().ToString(),
            PushName: client.Credentials?.PushName,
            MessageType: content.MessageType,
            ContentJson: content.Json,
            MessageTimestamp: now.ToUnixTimeSeconds(),
            // CodeChat reports messages sent through the API as sent from the web.
            Device: "web",
            Status: MessageStatus.Pending), now,
            WithStatusAudience(RecordChat(new ChatSighting(chat, chat.EndsWith("@lid", StringComparison.Ordinal) ? chat : null, now.ToUnixTimeSeconds()), sender: null, chatEvents), audience),
            CancellationToken.None);
        if (!saved.Created)
            return SendMessageResult.Of(SendOutcome.DuplicateMessageId, id);
        if (chatEvents.Value > 0)
            await GrainFactory.GetGrain<IWebhookDispatcherGrain>(Name).WakeAsync();
        LogSendAccepted(Name, id, saved.Message.Id);

        var attempt = StartSend(session, recipient.Jid, saved.Message, message, options.Delay, options.Presence, audience);
        var finished = await Task.WhenAny(attempt, Task.Delay(messaging.Value.SendTimeout, timeProvider)) == attempt;
        if (!finished)
            return new SendMessageResult(SendOutcome.Accepted, Record(saved.Message, recipient, options));
        var outcome = await attempt;
        if (outcome.Failed)
            return new SendMessageResult(SendOutcome.Failed, Record(outcome.Message, recipient, options), outcome.Error);
        if (outcome.Deferred)
            return new SendMessageResult(SendOutcome.Accepted, Record(outcome.Message, recipient, options));
        // The answer reports what the send reached, the server's ack, whatever the stored row says by now:
        // the recipient's receipt can overtake the ack, and its own messages.update reports it.
        return new SendMessageResult(SendOutcome.Sent, Record(outcome.Message with { Status = MessageStatus.ServerAck }, recipient, options));
    }

    /// <summary>Sends the PENDING messages an earlier session accepted but never got acked, once this session is open.</summary>
    private void ResendPendingInBackground(InstanceSession session) => _ = ResendPendingAsync(session);

    private async Task ResendPendingAsync(InstanceSession session)
    {
        // Off the Connected turn: the sends below wait for acks.
        await Task.Yield();
        try
        {
            var pending = await messages.FindPendingOutgoingAsync(Name, ResendBatch, CancellationToken.None);
            foreach (var stored in pending)
            {
                if (!ReferenceEquals(_session, session))
                    return;
                if (_sending.ContainsKey(stored.Id) || !Jid.TryParse(stored.Key.RemoteJid, out var to))
                    continue;
                IReadOnlyList<Jid>? audience = null;
                if (to.IsStatusBroadcast && (audience = await FindStatusAudienceAsync(stored)) is null)
                {
                    await FailStatusWithoutAudienceAsync(stored);
                    continue;
                }
                LogResending(Name, stored.Key.Id, stored.Id);
                var attempt = await StartSend(session, to, stored, OutgoingMessageComposer.FromStoredJson(stored.ContentJson), delay: null, presence: null, audience);
                if (attempt.Deferred)
                    return; // the connection went again; the next open session carries on
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogResendFailed(Name, exception);
        }
    }

    /// <summary>Starts the send of <paramref name="stored"/> unless it runs already; a status post goes to <paramref name="audience"/>.</summary>
    private Task<SendAttempt> StartSend(InstanceSession session, Jid to, StoredMessage stored, WaMessage message, SendDelay? delay, string? presence, IReadOnlyList<Jid>? audience)
    {
        if (_sending.TryGetValue(stored.Id, out var running))
            return running;
        var attempt = RunSendAsync(session, to, stored, message, delay, presence, audience);
        _sending[stored.Id] = attempt;
        return attempt;
    }

    private async Task<SendAttempt> RunSendAsync(InstanceSession session, Jid to, StoredMessage stored, WaMessage message, SendDelay? delay, string? presence, IReadOnlyList<Jid>? audience)
    {
        // Registered in _sending before anything below runs (the continuation comes back on the grain's scheduler).
        await Task.Yield();
        try
        {
            var lifetime = session.Lifetime;
            if (delay is { } wait)
                await ShowPresenceAndWaitAsync(session.Client, to, wait, presence, lifetime);
            var sent = to.IsStatusBroadcast
                ? await session.Client.SendStatusAsync(message, audience ?? throw new InvalidOperationException("A status post without its audience."), stored.Key.Id, lifetime)
                : await session.Client.SendMessageAsync(to, message, stored.Key.Id, lifetime);
            var acked = await RecordOutcomeAsync(stored, MessageStatus.ServerAck, error: null);
            if (audience is not null)
                await ForgetStatusAudienceAsync(stored);
            LogSent(Name, stored.Key.Id, sent.Devices.Count, acked.Status);
            return new SendAttempt(acked, null);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException && IsInterrupted(session, exception))
        {
            LogSendDeferred(Name, stored.Key.Id, exception.GetType().Name);
            return new SendAttempt(stored, null);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var error = DescribeSendFailure(exception);
            LogSendFailed(Name, stored.Key.Id, error, exception);
            try
            {
                var recorded = await RecordOutcomeAsync(stored, MessageStatus.Error, error);
                if (audience is not null)
                    await ForgetStatusAudienceAsync(stored);
                // A receipt of the recipient came first (the ack, not the message, was lost): it got there.
                return recorded.Status >= MessageStatus.DeliveryAck ? new SendAttempt(recorded, null) : new SendAttempt(recorded, error);
            }
            catch (Exception recording) when (recording is not OutOfMemoryException)
            {
                LogOutcomeNotRecorded(Name, stored.Key.Id, recording);
                return new SendAttempt(stored with { Status = MessageStatus.Error }, error);
            }
        }
        finally
        {
            _sending.Remove(stored.Id);
        }
    }

    /// <summary>The status and its event in one transaction, then the dispatcher woken.</summary>
    private async Task<StoredMessage> RecordOutcomeAsync(StoredMessage stored, MessageStatus status, string? error)
    {
        var at = timeProvider.GetUtcNow();
        var change = await messages.UpdateStatusAsync(Name, stored.Key, status, at, change => status == MessageStatus.Error
                ? MessageEventPayloads.SendMessageError(Name, state.State.Id, state.State.OwnerJid, stored, error ?? "")
                : MessageEventPayloads.MessagesUpdate(Name, state.State.Id, state.State.OwnerJid, change.MessageId, stored.Key, status, null, at),
            CancellationToken.None);
        if (change is { Advanced: true })
            await GrainFactory.GetGrain<IWebhookDispatcherGrain>(Name).WakeAsync();
        return stored with { Status = change?.Current ?? status };
    }

    /// <summary>
    /// True when the send stopped because the session did (disposed, replaced, disconnected): the
    /// message stays PENDING for the next session rather than failing.
    /// </summary>
    private bool IsInterrupted(InstanceSession session, Exception exception) =>
        exception is OperationCanceledException or ObjectDisposedException
        || !ReferenceEquals(_session, session)
        || (exception is WaClientException and not WaIqException and not WaMessageRejectedException && !session.Client.IsLoggedIn);

    private static string DescribeSendFailure(Exception exception) => exception switch
    {
        // The 463 explanation names only the message id and what the user can do about it.
        WaMessageRejectedException { Code: WaMessageRejectedException.PrivacyTokenRequired } rejected => rejected.Message,
        WaMessageRejectedException rejected => $"WhatsApp refused the message (error {rejected.Code})",
        TimeoutException => "WhatsApp's server did not acknowledge the message in time",
        WaIqException iq => $"WhatsApp refused a request of the send (error {iq.Code})",
        WaClientException or ArgumentException => exception.Message,
        // Named by kind only: an unexpected exception's message may carry what must not leave the silo.
        _ => $"The message could not be sent ({exception.GetType().Name})",
    };

    private async Task ShowPresenceAndWaitAsync(WaClient client, Jid to, SendDelay delay, string? presence, CancellationToken cancellationToken)
    {
        var wait = delay.Pick();
        if (wait <= TimeSpan.Zero)
            return;
        // As CodeChat: the chosen presence (typing by default) during the delay, then "paused".
        // available/unavailable are not chat states; they show nothing in the chat.
        // A status has no chat to show a presence in: only the wait.
        ChatPresence? shown = to.IsStatusBroadcast ? null : presence switch
        {
            null or "composing" => ChatPresence.Composing,
            "recording" => ChatPresence.Recording,
            "paused" => ChatPresence.Paused,
            _ => null,
        };
        if (shown is { } during)
            await client.SendChatPresenceAsync(to, during, cancellationToken);
        await Task.Delay(wait, timeProvider, cancellationToken);
        if (shown is not null and not ChatPresence.Paused)
            await client.SendChatPresenceAsync(to, ChatPresence.Paused, cancellationToken);
    }

    /// <summary>
    /// The JIDs a send mentions: every participant but us for <c>everyone</c> (in the group's
    /// addressing), else the numbers of <c>mentioned</c> as phone JIDs.
    /// </summary>
    private static List<string> MentionedJids(SendOptions options, GroupInfo group, Jid ownDevice, Jid? ownLid)
    {
        if (options.MentionEveryone)
        {
            return group.Participants
                .Where(p => !p.Jid.IsSameUserAs(ownDevice.ToNonAd()) && !(ownLid is { } lid && p.Jid.IsSameUserAs(lid.ToNonAd())))
                .Select(p => p.Jid.ToString())
                .ToList();
        }
        return options.Mentioned
            .Select(number => RecipientJid.TryParse(number, out var jid) && (jid.IsUserPn || jid.IsLid) ? jid.ToString() : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private SentMessageRecord Record(StoredMessage stored, Recipient recipient, SendOptions options) =>
        RecordOf(stored, isGroup: recipient.Group is not null, options.ExternalAttributesJson);

    /// <summary>CodeChat's record of a stored message (a received one names its sender as participant).</summary>
    private SentMessageRecord RecordOf(StoredMessage stored, bool isGroup, string? externalAttributesJson) => new(
        stored.Id,
        stored.Key.Id,
        stored.Key.RemoteJid,
        KeyParticipant: stored.Key.FromMe ? null : stored.Participant,
        stored.PushName,
        stored.MessageType,
        stored.ContentJson,
        stored.MessageTimestamp,
        state.State.Id,
        stored.Device ?? "web",
        isGroup,
        externalAttributesJson,
        stored.Status,
        stored.Key.FromMe);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instance {InstanceName} accepted message {MessageId} for sending as #{StoredId}")]
    private partial void LogSendAccepted(string instanceName, string messageId, long storedId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instance {InstanceName} sent message {MessageId} to {DeviceCount} devices; the server acked it (stored status {Status})")]
    private partial void LogSent(string instanceName, string messageId, int deviceCount, MessageStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: message {MessageId} stays pending for the next session ({Reason})")]
    private partial void LogSendDeferred(string instanceName, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: message {MessageId} failed: {Error}")]
    private partial void LogSendFailed(string instanceName, string messageId, string error, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Instance {InstanceName}: the outcome of message {MessageId} could not be stored")]
    private partial void LogOutcomeNotRecorded(string instanceName, string messageId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} sends pending message {MessageId} (#{StoredId}) again on the new session")]
    private partial void LogResending(string instanceName, string messageId, long storedId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Instance {InstanceName}: sending the pending messages again failed; the next session retries")]
    private partial void LogResendFailed(string instanceName, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: group {Group} not found (error {Code})")]
    private partial void LogGroupNotFound(string instanceName, string group, int code);
}
