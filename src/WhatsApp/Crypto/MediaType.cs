namespace CodeChat.WhatsApp.Crypto;

/// <summary>
/// What a piece of encrypted media is, as far as key expansion cares (whatsapp-protocol.md §8.1).
/// Several message kinds share keys: stickers use image keys, voice notes audio keys, GIFs and
/// round videos video keys (pitfall P20).
/// </summary>
public enum MediaType
{
    Image,
    Sticker,
    Video,
    Gif,
    Ptv,
    Audio,
    Ptt,
    Document,
    History,
    AppState,
    LinkThumbnail,
    StickerPack,
    ImageThumbnail,
    VideoThumbnail,
    DocumentThumbnail,
    PaymentBackground,
}
