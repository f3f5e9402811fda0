using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Messages;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Proto;
using Microsoft.Extensions.Logging;
using WaMessage = CodeChat.WhatsApp.Proto.Message;
using WaMessageKey = CodeChat.WhatsApp.Proto.MessageKey;

namespace CodeChat.Grains.Instances;

/// <summary>
/// Revokes ("delete for everyone") and edits we send of stored messages (CodeChat's
/// <c>/chat/deleteMessage</c> and <c>/chat/editMessage</c>). The protocol message names the stored key
/// as WhatsApp knows it (Baileys 7 <c>{delete: key}</c> / <c>{edit: key, text}</c>; whatsmeow
/// <c>BuildRevoke</c> / <c>BuildEdit</c>); once the server acked it, the stored row changes exactly as for
/// a revoke or edit that arrives (InstanceGrain.Protocol.cs), its <c>messages.update</c> in the same
/// transaction. Like a send, the call runs interleaved and never holds a turn while it waits.
/// </summary>
public sealed partial class InstanceGrain
{
    private static readonly HashSet<string> EditableTypes = new(StringComparer.Ordinal) { "conversation", "extendedTextMessage" };

    public async Task<MessageRevisionResult> RevokeMessageAsync(long storedId, CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return MessageRevisionResult.Of(MessageRevisionOutcome.InstanceNotFound);
        var stored = await messages.FindAsync(Name, storedId, cancellationToken);
        if (stored is null)
            return MessageRevisionResult.Of(MessageRevisionOutcome.MessageNotFound);
        // WhatsApp lets the author revoke, and a group admin revoke a member's message (the server checks the admin right).
        if (!stored.Key.FromMe && !(MessageHeaderJson.IsGroup(stored.Key.RemoteJid) && stored.Participant is not null))
            return MessageRevisionResult.Of(MessageRevisionOutcome.NotAllowed,
                "Only our own messages can be deleted for everyone, or, as a group admin, a member's message in a group");

        var key = new WaMessageKey { RemoteJID = stored.Key.RemoteJid, FromMe = stored.Key.FromMe, ID = stored.Key.Id };
        if (!stored.Key.FromMe)
            key.Participant = stored.Participant;
        var revoke = new WaMessage { ProtocolMessage = new ProtocolMessage { Key = key, Type = ProtocolMessage.Types.Type.Revoke } };
        return await SendRevisionAsync(stored, revoke, id => new MessageRevision(RevisionKind.Revoke, id), cancellationToken);
    }

    public async Task<MessageRevisionResult> EditMessageAsync(StoredMessageSelector target, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(text);
        if (!state.State.Exists)
            return MessageRevisionResult.Of(MessageRevisionOutcome.InstanceNotFound);
        var stored = target.Id is { } storedId
            ? await messages.FindAsync(Name, storedId, cancellationToken)
            : await messages.FindByMessageIdAsync(Name, target.KeyId!, target.RemoteJid, cancellationToken);
        if (stored is null)
            return MessageRevisionResult.Of(MessageRevisionOutcome.MessageNotFound);
        if (!stored.Key.FromMe)
            return MessageRevisionResult.Of(MessageRevisionOutcome.NotAllowed, "Only messages we sent can be edited");
        if (!EditableTypes.Contains(stored.MessageType))
            return MessageRevisionResult.Of(MessageRevisionOutcome.NotAllowed, $"Only text messages can be edited; this one is a {stored.MessageType}");
        var (revokedAt, _) = await Revisions.MarksAsync(Name, stored.Id, cancellationToken);
        if (revokedAt is not null)
            return MessageRevisionResult.Of(MessageRevisionOutcome.NotAllowed, "The message was deleted for everyone");

        // The new text as our sends carry text (an extendedTextMessage, as Baileys' {edit, text} builds it).
        var edited = new WaMessage { ExtendedTextMessage = new ExtendedTextMessage { Text = text } };
        var edit = new WaMessage
        {
            ProtocolMessage = new ProtocolMessage
            {
                Key = new WaMessageKey { RemoteJID = stored.Key.RemoteJid, FromMe = true, ID = stored.Key.Id },
                Type = ProtocolMessage.Types.Type.MessageEdit,
                EditedMessage = edited,
                TimestampMS = timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
            },
        };
        var content = MessageContent.From(edited);
        return await SendRevisionAsync(stored, edit, id => new MessageRevision(RevisionKind.Edit, id, content.MessageType, content.Json), cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="protocolMessage"/> to the stored message's chat and, once the server acked it,
    /// applies the revision (named by the id of the stanza that carried it) with its event.
    /// </summary>
    private async Task<MessageRevisionResult> SendRevisionAsync(StoredMessage stored, WaMessage protocolMessage,
        Func<string, MessageRevision> revisionOf, CancellationToken cancellationToken)
    {
        var session = _session;
        if (OpenClient() is not { } client || session is null || client.Credentials?.GetJid() is not { } ownDevice)
            return MessageRevisionResult.Of(MessageRevisionOutcome.NotConnected);
        if (!Jid.TryParse(stored.Key.RemoteJid, out var chat))
            return MessageRevisionResult.Of(MessageRevisionOutcome.NotAllowed, $"The message's chat {stored.Key.RemoteJid} cannot be written to");
        cancellationToken.ThrowIfCancellationRequested();

        var revision = revisionOf(MessageIds.Generate(ownDevice, timeProvider.GetUtcNow()));
        try
        {
            // The session's lifetime, not the caller's token: a revoke or edit that left must be recorded.
            await session.Client.SendMessageAsync(chat, protocolMessage, revision.ProtocolMessageId, session.Lifetime);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var error = IsInterrupted(session, exception)
                ? "The connection to WhatsApp closed before the server acknowledged the change; send it again once the instance is open"
                : DescribeSendFailure(exception);
            LogRevisionSendFailed(Name, revision.Kind, stored.Key.Id, error, exception);
            return MessageRevisionResult.Of(MessageRevisionOutcome.Failed, error);
        }

        var at = timeProvider.GetUtcNow();
        var target = new RevisionTarget(stored.Key.RemoteJid, stored.Key.Id, stored.Key.FromMe);
        var outcome = await Revisions.ApplyAsync(Name, target, revision, at,
            changed => MessageUpdatePayload.Draft(Name, state.State.Id, state.State.OwnerJid, changed, revision, at), CancellationToken.None);
        if (outcome is null)
            return MessageRevisionResult.Of(MessageRevisionOutcome.MessageNotFound);
        await GrainFactory.GetGrain<IWebhookDispatcherGrain>(Name).WakeAsync();
        LogRevisionSent(Name, revision.Kind, stored.Key.Id, stored.Id, revision.ProtocolMessageId);
        return new MessageRevisionResult(MessageRevisionOutcome.Revised, RecordOf(outcome.Message, MessageHeaderJson.IsGroup(stored.Key.RemoteJid), externalAttributesJson: null), at);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} sent a {Kind} of message {TargetId} (#{StoredId}) as {ProtocolMessageId}; the server acked it")]
    private partial void LogRevisionSent(string instanceName, RevisionKind kind, string targetId, long storedId, string protocolMessageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: the {Kind} of message {TargetId} failed: {Error}")]
    private partial void LogRevisionSendFailed(string instanceName, RevisionKind kind, string targetId, string error, Exception exception);
}
