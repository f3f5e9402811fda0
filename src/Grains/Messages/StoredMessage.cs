using CodeChat.Grains.Abstractions.Messages;

namespace CodeChat.Grains.Messages;

/// <summary>A stored message with CodeChat's numeric <see cref="Id"/> and its current status.</summary>
public sealed record StoredMessage(
    long Id,
    MessageKey Key,
    string? Participant,
    string? SenderPn,
    string? SenderLid,
    string? PushName,
    string MessageType,
    string ContentJson,
    long MessageTimestamp,
    string? Device,
    MessageStatus Status);

/// <summary>The outcome of <c>SaveAsync</c>: the row, and whether this call created it (false for a redelivery).</summary>
public sealed record SavedMessage(StoredMessage Message, bool Created);

/// <summary>The outcome of a receipt: the status before and after, and whether it moved.</summary>
public sealed record MessageStatusChange(long MessageId, MessageStatus Previous, MessageStatus Current, bool Advanced);
