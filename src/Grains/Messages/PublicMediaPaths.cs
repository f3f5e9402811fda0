using CodeChat.WhatsApp.Crypto;

namespace CodeChat.Grains.Messages;

/// <summary>
/// The path of CodeChat 1.3's public media download route, <c>/chat/public/{type}/download?q=</c>, whose
/// <c>type</c> is 1.3's media kind: image, document, audio, video, sticker or ptv (codechat-api.md §5).
/// </summary>
public static class PublicMediaPaths
{
    public static string For(MediaType type, string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var kind = type switch
        {
            MediaType.Image => "image",
            MediaType.Sticker => "sticker",
            MediaType.Video or MediaType.Gif => "video",
            MediaType.Ptv => "ptv",
            MediaType.Audio or MediaType.Ptt => "audio",
            _ => "document",
        };
        return $"/chat/public/{kind}/download?q={Uri.EscapeDataString(token)}";
    }
}
