namespace CodeChat.Grains.Abstractions.Messages;

/// <summary>A message's WhatsApp key: the chat, the message id in it, and whether we sent it.</summary>
[GenerateSerializer, Immutable]
public sealed record MessageKey(
    [property: Id(0)] string RemoteJid,
    [property: Id(1)] string Id,
    [property: Id(2)] bool FromMe);
