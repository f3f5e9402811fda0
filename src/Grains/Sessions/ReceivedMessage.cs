using CodeChat.WhatsApp.Client;
using Google.Protobuf;

namespace CodeChat.Grains.Sessions;

/// <summary>
/// A decrypted incoming message in a form Orleans can carry from the session into a grain turn: the
/// addressing as JID strings and the <c>waE2E.Message</c> as its protobuf bytes. Holds the message
/// content, never key material.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.ReceivedMessage")]
[Immutable]
public sealed record ReceivedMessage(
    [property: Id(0)] string Id,
    [property: Id(1)] string Chat,
    [property: Id(2)] string Sender,
    [property: Id(3)] string? SenderPhoneNumber,
    [property: Id(4)] string? SenderLid,
    [property: Id(5)] bool FromMe,
    [property: Id(6)] DateTimeOffset Timestamp,
    [property: Id(7)] string? PushName,
    [property: Id(8)] byte[] Message)
{
    public static ReceivedMessage From(IncomingMessage incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        return new ReceivedMessage(
            incoming.Id,
            incoming.Chat.ToString(),
            incoming.Sender.ToString(),
            incoming.Source.SenderPhoneNumber?.ToString(),
            incoming.Source.SenderLid?.ToString(),
            incoming.Source.IsFromMe,
            incoming.Timestamp,
            incoming.PushName,
            incoming.Message.ToByteArray());
    }
}
