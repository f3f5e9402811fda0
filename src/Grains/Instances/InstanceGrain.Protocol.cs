using CodeChat.Grains.Messages;
using CodeChat.Grains.Sessions;
using CodeChat.Grains.Storage;
using CodeChat.WhatsApp.Proto;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WaMessage = CodeChat.WhatsApp.Proto.Message;

namespace CodeChat.Grains.Instances;

/// <summary>
/// Revokes ("delete for everyone") and edits arriving from peers or from our own phone: the stored
/// message they name is marked or given its new content, and <c>messages.update</c> reports it — all
/// before the delivery receipt, like <c>new.message</c>. And <c>general.error</c> for messages the
/// client gave up on.
/// </summary>
public sealed partial class InstanceGrain
{
    // Resolved here rather than through the constructor so this concern stays in its own file.
    private PostgresMessageRevisionStore Revisions => ServiceProvider.GetRequiredService<PostgresMessageRevisionStore>();

    /// <summary>
    /// Applies a revoke or edit; false when <paramref name="message"/> is neither. The protocol key is
    /// the sender's own view of the message it revokes or edits, so — as Baileys' process-message
    /// reads it — the target is the message of that id in this chat, sent by the same side.
    /// </summary>
    private async Task<bool> TryApplyRevisionAsync(ReceivedMessage received, WaMessage message, string chat, CancellationToken cancellationToken)
    {
        // Edits also come wrapped in editedMessage (a FutureProofMessage) by some clients.
        var protocol = message.ProtocolMessage ?? message.EditedMessage?.Message?.ProtocolMessage;
        if (protocol?.Key is not { HasID: true } key)
            return false;
        MessageRevision revision;
        switch (protocol.Type)
        {
            case ProtocolMessage.Types.Type.Revoke:
                revision = new MessageRevision(RevisionKind.Revoke, received.Id);
                break;
            case ProtocolMessage.Types.Type.MessageEdit when protocol.EditedMessage is { } edited:
                var content = MessageContent.From(edited);
                revision = new MessageRevision(RevisionKind.Edit, received.Id, content.MessageType, content.Json);
                break;
            default:
                return false;
        }

        // A group admin may revoke someone else's message; the key's participant then names the author.
        var authorIsUs = received.FromMe || (key.HasParticipant && IsOwnJid(key.Participant));
        var target = new RevisionTarget(chat, key.ID, authorIsUs);
        var stored = await messages.FindByMessageIdAsync(Name, key.ID, chat, cancellationToken);
        if (stored is not null && !MayRevise(received, stored, key, revision.Kind))
        {
            LogRevisionRefused(Name, received.Id, revision.Kind, key.ID);
            return true;
        }

        var outcome = stored is null ? null : await Revisions.ApplyAsync(Name, target with { FromMe = stored.Key.FromMe }, revision, timeProvider.GetUtcNow(), cancellationToken);
        var draft = outcome is not null
            ? MessageUpdatePayload.Draft(Name, state.State.Id, state.State.OwnerJid, outcome.Message, revision, received.Timestamp)
            : MessageUpdatePayload.DraftUnstored(Name, state.State.Id, state.State.OwnerJid, target,
                authorIsUs ? null : received.SenderPhoneNumber, authorIsUs ? null : received.SenderLid, revision, received.Timestamp);
        await AppendAsync(draft, cancellationToken);
        LogRevisionApplied(Name, revision.Kind, key.ID, outcome?.Message.Id, outcome?.Applied ?? false);
        return true;
    }

    /// <summary>
    /// Only the author revokes or edits its message; in a group an admin may also revoke it (WhatsApp's
    /// server enforces the admin right, we only check the key names the author).
    /// </summary>
    private static bool MayRevise(ReceivedMessage received, StoredMessage stored, MessageKey key, RevisionKind kind)
    {
        if (stored.Key.FromMe != received.FromMe)
            return kind == RevisionKind.Revoke && stored.Key.FromMe && key.HasParticipant;
        if (received.FromMe || !MessageHeaderJson.IsGroup(stored.Key.RemoteJid))
            return true;
        var sameAuthor = SameUser(stored.SenderPn, received.SenderPhoneNumber) || SameUser(stored.SenderLid, received.SenderLid)
            || SameUser(stored.Participant, received.Sender);
        return sameAuthor || (kind == RevisionKind.Revoke && key.HasParticipant
            && (SameUser(stored.SenderPn, key.Participant) || SameUser(stored.SenderLid, key.Participant) || SameUser(stored.Participant, key.Participant)));
    }

    private bool IsOwnJid(string jid) => SameUser(state.State.OwnerJid, jid);

    /// <summary>True when both JIDs name the same user (device and agent parts ignored).</summary>
    private static bool SameUser(string? left, string? right)
    {
        if (left is null || right is null)
            return false;
        return string.Equals(UserPart(left), UserPart(right), StringComparison.Ordinal)
            && string.Equals(ServerPart(left), ServerPart(right), StringComparison.Ordinal);

        static string UserPart(string jid)
        {
            var user = jid.Split('@')[0];
            var cut = user.IndexOfAny([':', '.']);
            return cut < 0 ? user : user[..cut];
        }

        static string ServerPart(string jid) => jid.Contains('@', StringComparison.Ordinal) ? jid[(jid.IndexOf('@', StringComparison.Ordinal) + 1)..] : "";
    }

    /// <summary>Records <c>general.error</c> for a message the client gave up on, before it is acked.</summary>
    private async Task RecordUnprocessableAsync(UnprocessableMessage failure, CancellationToken cancellationToken)
    {
        var chat = !MessageHeaderJson.IsGroup(failure.Chat) && !failure.FromMe && failure.Chat.EndsWith("@lid", StringComparison.Ordinal)
            && failure.SenderPhoneNumber is { } phone
            ? phone
            : failure.Chat;
        await AppendAsync(GeneralErrorPayload.Draft(Name, state.State.Id, state.State.OwnerJid, failure with { Chat = chat }, timeProvider.GetUtcNow()), cancellationToken);
        LogUnprocessableRecorded(Name, failure.Id, failure.Reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: {Kind} of message {TargetId} applied (stored #{StoredId}, changed {Applied})")]
    private partial void LogRevisionApplied(string instanceName, RevisionKind kind, string targetId, long? storedId, bool applied);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: message {MessageId} asks a {Kind} of message {TargetId} by someone who is not its author; ignored")]
    private partial void LogRevisionRefused(string instanceName, string messageId, RevisionKind kind, string targetId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: message {MessageId} could not be processed ({Reason}); general.error recorded")]
    private partial void LogUnprocessableRecorded(string instanceName, string messageId, string reason);
}
