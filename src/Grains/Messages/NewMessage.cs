using CodeChat.Grains.Abstractions.Messages;

namespace CodeChat.Grains.Messages;

/// <summary>
/// A message to store: its key, who sent it (PN and LID when known), its CodeChat type
/// (<c>conversation</c>, <c>imageMessage</c>…), the message as the API returns it, as JSON, and its
/// first status.
/// </summary>
public sealed record NewMessage(
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
