namespace CodeChat.Grains.Abstractions.Messages;

/// <summary>How a send ended, with the sent-message record when it was accepted.</summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.SendMessageResult")]
public sealed record SendMessageResult(
    [property: Id(0)] SendOutcome Outcome,
    [property: Id(1)] SentMessageRecord? Message = null,
    [property: Id(2)] string? Detail = null,
    [property: Id(3)] IReadOnlyList<string>? NotOnWhatsApp = null)
{
    public static SendMessageResult Of(SendOutcome outcome, string? detail = null) => new(outcome, null, detail);
}

[GenerateSerializer]
[Alias("CodeChat.SendOutcome")]
public enum SendOutcome
{
    /// <summary>WhatsApp's server acked the message (201).</summary>
    Sent = 0,
    /// <summary>Stored and on its way; the ack did not come within the send timeout (202).</summary>
    Accepted = 1,
    NotFound = 2,
    /// <summary>The instance's WhatsApp connection is not open; nothing was stored.</summary>
    NotConnected = 3,
    /// <summary>The number has no WhatsApp account; <see cref="SendMessageResult.Detail"/> is its JID.</summary>
    NotOnWhatsApp = 4,
    GroupNotFound = 5,
    QuotedNotFound = 6,
    /// <summary>Mentions were asked for outside a group.</summary>
    MentionsOutsideGroup = 7,
    /// <summary>The recipient is not a number or JID we can send to; <see cref="SendMessageResult.Detail"/> says why.</summary>
    InvalidRecipient = 8,
    /// <summary>The forced <c>messageId</c> names a message stored already.</summary>
    DuplicateMessageId = 9,
    /// <summary>WhatsApp refused the message after it was stored (row ERROR, <c>send.message:ERROR</c> raised); <see cref="SendMessageResult.Detail"/> says why.</summary>
    Failed = 10,
    /// <summary>Some of a status post's audience have no WhatsApp account; <see cref="SendMessageResult.NotOnWhatsApp"/> lists their JIDs.</summary>
    StatusAudienceNotOnWhatsApp = 11,
    /// <summary>A status post to all contacts, but no stored contact is a WhatsApp user.</summary>
    NoStatusAudience = 12,
    /// <summary>An item of a status post's <c>options.statusJidList</c> is not a number or user JID; <see cref="SendMessageResult.Detail"/> says which.</summary>
    InvalidStatusAudience = 13,
}

/// <summary>
/// CodeChat's sent-message record (codechat-api.md §4.3): the stored numeric id, the WhatsApp key,
/// the message type and content (protobuf JSON), the timestamp, and our status.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.SentMessageRecord")]
public sealed record SentMessageRecord(
    [property: Id(0)] long Id,
    [property: Id(1)] string KeyId,
    [property: Id(2)] string KeyRemoteJid,
    [property: Id(3)] string? KeyParticipant,
    [property: Id(4)] string? PushName,
    [property: Id(5)] string MessageType,
    [property: Id(6)] string ContentJson,
    [property: Id(7)] long MessageTimestamp,
    [property: Id(8)] long InstanceId,
    [property: Id(9)] string Device,
    [property: Id(10)] bool IsGroup,
    [property: Id(11)] string? ExternalAttributesJson,
    [property: Id(12)] MessageStatus Status,
    [property: Id(13)] bool KeyFromMe = true);
