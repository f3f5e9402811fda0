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

    private static Message Unwrap(Message message) =>
        message.DeviceSentMessage?.Message
        ?? message.EphemeralMessage?.Message
        ?? message.ViewOnceMessage?.Message
        ?? message.ViewOnceMessageV2?.Message
        ?? message.DocumentWithCaptionMessage?.Message
        ?? message.EditedMessage?.Message
        ?? message;
}
