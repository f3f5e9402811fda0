using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// One decrypted incoming message (whatsapp-protocol.md §7.1). For our own sends made on another
/// of our devices, <see cref="Message"/> is the inner message of the <c>deviceSentMessage</c>
/// wrapper and <see cref="MessageSource.IsFromMe"/> is true.
/// </summary>
/// <param name="Id">The stanza id (the message key id).</param>
/// <param name="Source">Chat, sending device and the sender's PN/LID.</param>
/// <param name="Timestamp">The server time <c>t</c>.</param>
/// <param name="PushName">The sender's display name (<c>notify</c>), when sent.</param>
/// <param name="Offline">True when it came from the offline backlog (<c>offline</c> attribute).</param>
/// <param name="Message">The <c>waE2E.Message</c>.</param>
/// <param name="SenderIdentityChanged">True when the sender device's identity key differed from the stored one (it re-installed).</param>
public sealed record IncomingMessage(
    string Id,
    MessageSource Source,
    DateTimeOffset Timestamp,
    string? PushName,
    bool Offline,
    Message Message,
    bool SenderIdentityChanged)
{
    public Jid Chat => Source.Chat;

    public Jid Sender => Source.Sender;

    public ushort SenderDevice => Source.Sender.Device;

    public override string ToString() => $"IncomingMessage({Id} in {Chat} from {Sender})";
}
