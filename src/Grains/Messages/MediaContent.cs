using CodeChat.WhatsApp.Crypto;
using Google.Protobuf;
using WaMessage = CodeChat.WhatsApp.Proto.Message;

namespace CodeChat.Grains.Messages;

/// <summary>
/// The attachment of a media message: where it lies on WhatsApp's media hosts and the keys and hashes
/// to fetch and check it (whatsapp-protocol.md §8.3), plus what CodeChat's <c>mediaData</c> reports
/// beside the bytes (<c>mediaType</c>, <c>fileName</c>, <c>size{fileLength,height,width}</c>,
/// <c>mimetype</c>, <c>caption</c>).
/// </summary>
public sealed record MediaContent(
    string MessageType,
    MediaType Type,
    string? DirectPath,
    string? Url,
    ByteString MediaKey,
    ByteString FileEncSha256,
    ByteString FileSha256,
    ulong FileLength,
    string? Mimetype,
    string? FileName,
    string? Caption,
    uint Height,
    uint Width)
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <summary>The attachment of <paramref name="message"/>, looking inside ephemeral, view-once and captioned-document wrappers; null when it has none.</summary>
    public static MediaContent? Find(WaMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        for (var depth = 0; depth < 4 && message is not null; depth++)
        {
            if (message.ImageMessage is { } image)
                return new(nameof(WaMessage.ImageMessage).Camel(), MediaType.Image, image.DirectPath, image.URL, image.MediaKey, image.FileEncSHA256, image.FileSHA256,
                    image.FileLength, image.Mimetype, null, image.Caption, image.Height, image.Width);
            if (message.VideoMessage is { } video)
                return new(nameof(WaMessage.VideoMessage).Camel(), video.GifPlayback ? MediaType.Gif : MediaType.Video, video.DirectPath, video.URL, video.MediaKey,
                    video.FileEncSHA256, video.FileSHA256, video.FileLength, video.Mimetype, null, video.Caption, video.Height, video.Width);
            if (message.PtvMessage is { } ptv)
                return new(nameof(WaMessage.PtvMessage).Camel(), MediaType.Ptv, ptv.DirectPath, ptv.URL, ptv.MediaKey, ptv.FileEncSHA256, ptv.FileSHA256,
                    ptv.FileLength, ptv.Mimetype, null, ptv.Caption, ptv.Height, ptv.Width);
            if (message.AudioMessage is { } audio)
                return new(nameof(WaMessage.AudioMessage).Camel(), audio.PTT ? MediaType.Ptt : MediaType.Audio, audio.DirectPath, audio.URL, audio.MediaKey,
                    audio.FileEncSHA256, audio.FileSHA256, audio.FileLength, audio.Mimetype, null, null, 0, 0);
            if (message.DocumentMessage is { } document)
                return new(nameof(WaMessage.DocumentMessage).Camel(), MediaType.Document, document.DirectPath, document.URL, document.MediaKey,
                    document.FileEncSHA256, document.FileSHA256, document.FileLength, document.Mimetype, document.FileName, document.Caption, 0, 0);
            if (message.StickerMessage is { } sticker)
                return new(nameof(WaMessage.StickerMessage).Camel(), MediaType.Sticker, sticker.DirectPath, sticker.URL, sticker.MediaKey,
                    sticker.FileEncSHA256, sticker.FileSHA256, sticker.FileLength, sticker.Mimetype, null, null, sticker.Height, sticker.Width);
            message = (message.EphemeralMessage ?? message.ViewOnceMessage ?? message.ViewOnceMessageV2 ?? message.ViewOnceMessageV2Extension
                ?? message.DocumentWithCaptionMessage)?.Message!;
        }
        return null;
    }

    /// <summary>The attachment of a stored message's content JSON (protobuf's JSON mapping, as stored); null when it has none.</summary>
    public static MediaContent? FromStoredJson(string contentJson)
    {
        ArgumentNullException.ThrowIfNull(contentJson);
        return Find(Parser.Parse<WaMessage>(contentJson));
    }

    /// <summary>True when the hosts can be asked for it: a key and a path or URL.</summary>
    public bool IsDownloadable => !MediaKey.IsEmpty && (!string.IsNullOrEmpty(DirectPath) || !string.IsNullOrEmpty(Url));
}

file static class NameExtensions
{
    public static string Camel(this string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
