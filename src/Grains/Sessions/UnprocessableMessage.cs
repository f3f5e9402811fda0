using CodeChat.WhatsApp.Client;

namespace CodeChat.Grains.Sessions;

/// <summary>
/// An incoming message the session's client gave up on (<see cref="MessageDecryptionFailedEvent"/>),
/// in a form Orleans can carry into a grain turn: addressing and the kind of failure, never key
/// material or content.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.UnprocessableMessage")]
[Immutable]
public sealed record UnprocessableMessage(
    [property: Id(0)] string Id,
    [property: Id(1)] string Chat,
    [property: Id(2)] string Sender,
    [property: Id(3)] string? SenderPhoneNumber,
    [property: Id(4)] string? SenderLid,
    [property: Id(5)] bool FromMe,
    [property: Id(6)] string Reason,
    [property: Id(7)] bool Unparsable,
    [property: Id(8)] string? PushName)
{
    public static UnprocessableMessage From(MessageDecryptionFailedEvent failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new UnprocessableMessage(
            failure.Id,
            failure.Source.Chat.ToString(),
            failure.Source.Sender.ToString(),
            failure.Source.SenderPhoneNumber?.ToString(),
            failure.Source.SenderLid?.ToString(),
            failure.Source.IsFromMe,
            failure.Reason,
            failure.Unparsable,
            PushName: null);
    }
}
