using CodeChat.Grains.Abstractions.Messages;

namespace CodeChat.Grains.Abstractions.Queues;

/// <summary>
/// A mailing to start: the recipients as the caller wrote them (each checked already as a number or
/// JID we can send to), the serialized <c>waE2E.Message</c> every recipient gets, and the send options
/// (no forced message id: each recipient gets its own).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.StartSendQueueCommand")]
public sealed record StartSendQueueCommand(
    [property: Id(0)] IReadOnlyList<string> Numbers,
    [property: Id(1)] byte[] Message,
    [property: Id(2)] SendOptions Options);
