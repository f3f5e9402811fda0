using CodeChat.WhatsApp.Proto;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// The <c>type</c> of an outgoing <c>&lt;message&gt;</c> and the <c>mediatype</c> of its
/// <c>&lt;enc&gt;</c>s (whatsapp-protocol.md §6.10 step 7; whatsmeow <c>getTypeFromMessage</c> and
/// <c>getMediaTypeFromMessage</c>): <c>reaction</c>, <c>media</c> when a media type applies, else <c>text</c>.
/// </summary>
public static class OutgoingMessageType
{
    public static string StanzaType(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var inner = Unwrap(message);
        if (inner.ReactionMessage is not null)
        {
            return "reaction";
        }
        return MediaType(inner) is null ? "text" : "media";
    }

    /// <summary>The enc <c>mediatype</c>, or null for text and messages without media.</summary>
    public static string? MediaType(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var inner = Unwrap(message);
        return inner switch
        {
            { ImageMessage: not null } => "image",
            { StickerMessage: not null } => "sticker",
            { DocumentMessage: not null } => "document",
            { AudioMessage: { } audio } => audio.PTT ? "ptt" : "audio",
            { VideoMessage: { } video } => video.GifPlayback ? "gif" : "video",
            { ContactMessage: not null } => "vcard",
            { ContactsArrayMessage: not null } => "contact_array",
            { ExtendedTextMessage: { } text } when text.HasTitle && text.Title.Length > 0 => "url",
            _ => null,
        };
    }

    /// <summary>
    /// The stanza's <c>edit</c> attribute, which tells WhatsApp's server a message changes an earlier one
    /// (whatsmeow <c>getEditAttribute</c> and <c>types.EditAttribute</c>; Baileys 7 <c>relayMessage</c>):
    /// "7" a sender's revoke (also a removed reaction), "8" an admin revoking someone else's message in a
    /// group, "1" an edit; null for any other message.
    /// </summary>
    public static string? EditAttribute(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.EditedMessage?.Message is { } wrapped)
        {
            return EditAttribute(wrapped);
        }
        return message switch
        {
            { ProtocolMessage: { HasType: true, Key: { } key, Type: ProtocolMessage.Types.Type.Revoke } } => key.FromMe ? SenderRevoke : AdminRevoke,
            { ProtocolMessage: { Key: not null, Type: ProtocolMessage.Types.Type.MessageEdit, EditedMessage: not null } } => MessageEdit,
            { ReactionMessage: { Text.Length: 0 } } => SenderRevoke,
            _ => null,
        };
    }

    private const string MessageEdit = "1";
    private const string SenderRevoke = "7";
    private const string AdminRevoke = "8";

    private static Message Unwrap(Message message) =>
        message.DeviceSentMessage?.Message
        ?? message.EphemeralMessage?.Message
        ?? message.ViewOnceMessage?.Message
        ?? message.ViewOnceMessageV2?.Message
        ?? message.DocumentWithCaptionMessage?.Message
        ?? message.EditedMessage?.Message
        ?? message;
}
