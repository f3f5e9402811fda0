namespace CodeChat.Grains.Messages;

/// <summary>What a protocol message does to a stored message.</summary>
public enum RevisionKind
{
    /// <summary>Deleted for everyone (ProtocolMessage type REVOKE).</summary>
    Revoke,

    /// <summary>Edited (ProtocolMessage type MESSAGE_EDIT); the new content replaces the old.</summary>
    Edit,
}

/// <summary>
/// A revoke or edit carried by the stanza <paramref name="ProtocolMessageId"/>; for an edit, the new
/// CodeChat type and content JSON.
/// </summary>
public sealed record MessageRevision(RevisionKind Kind, string ProtocolMessageId, string? MessageType = null, string? ContentJson = null);

/// <summary>The stored message a revision names: the chat as we store it, the message id, and whether we sent it.</summary>
public sealed record RevisionTarget(string RemoteJid, string MessageId, bool FromMe);

/// <summary>The message after a revision, and whether this call changed it (false for a redelivered stanza).</summary>
public sealed record RevisionOutcome(StoredMessage Message, bool Applied);
