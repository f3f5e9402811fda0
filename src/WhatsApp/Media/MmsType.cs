using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Media;

/// <summary>
/// The path segment media of a type is uploaded under (<c>/mms/&lt;type&gt;/…</c>) and the
/// <c>mms-type</c> of a download (whatsapp-protocol.md §8.1; Baileys <c>MEDIA_PATH_MAP</c>, whatsmeow
/// <c>mediaTypeToMMSType</c>). Kinds that share keys share a path: stickers go to <c>image</c>, voice
/// notes to <c>audio</c>, GIFs and round videos to <c>video</c>.
/// </summary>
public static class MmsType
{
    public static string For(MediaType type) => type switch
    {
        MediaType.Image or MediaType.Sticker => "image",
        MediaType.Video or MediaType.Gif or MediaType.Ptv => "video",
        MediaType.Audio or MediaType.Ptt => "audio",
        MediaType.Document => "document",
        MediaType.History => "md-msg-hist",
        MediaType.AppState => "md-app-state",
        MediaType.LinkThumbnail => "thumbnail-link",
        MediaType.StickerPack => "sticker-pack",
        MediaType.ImageThumbnail => "thumbnail-image",
        MediaType.VideoThumbnail => "thumbnail-video",
        MediaType.DocumentThumbnail => "thumbnail-document",
        MediaType.PaymentBackground => "payment-bg-image",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown media type."),
    };
}
