using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Media;

/// <summary>
/// Builds the waE2E media message for an upload: <c>imageMessage</c>, <c>videoMessage</c>,
/// <c>audioMessage</c> (PTT for voice notes), <c>documentMessage</c> or <c>stickerMessage</c>, each
/// with url, directPath, mediaKey, the two SHA-256s, fileLength and mediaKeyTimestamp (the fields
/// whatsmeow's <c>UploadResponse</c> and Baileys' <c>prepareWAMessageMedia</c> fill; field numbers
/// in Proto/waE2E).
/// </summary>
public static class MediaMessageBuilder
{
    /// <summary>The message carrying <paramref name="media"/>, uploaded at <paramref name="uploadedAt"/>.</summary>
    public static Message Build(UploadedMedia media, MediaMessageDetails details, DateTimeOffset uploadedAt)
    {
        ArgumentNullException.ThrowIfNull(media);
        ArgumentNullException.ThrowIfNull(details);
        var keyTimestamp = uploadedAt.ToUnixTimeSeconds();
        var mediaKey = ByteString.CopyFrom(media.MediaKey);
        var fileSha256 = ByteString.CopyFrom(media.FileSha256);
        var fileEncSha256 = ByteString.CopyFrom(media.FileEncSha256);
        var length = (ulong)media.FileLength;
        switch (details.Kind)
        {
            case MediaType.Image:
            {
                var image = new ImageMessage
                {
                    URL = media.Url, DirectPath = media.DirectPath, Mimetype = details.Mimetype, MediaKey = mediaKey,
                    FileSHA256 = fileSha256, FileEncSHA256 = fileEncSha256, FileLength = length, MediaKeyTimestamp = keyTimestamp,
                };
                if (details.Caption is { Length: > 0 } caption) image.Caption = caption;
                if (details.Width is { } width) image.Width = (uint)width;
                if (details.Height is { } height) image.Height = (uint)height;
                if (details.JpegThumbnail is { } thumbnail) image.JPEGThumbnail = ByteString.CopyFrom(thumbnail);
                return new Message { ImageMessage = image };
            }
            case MediaType.Video:
            {
                var video = new VideoMessage
                {
                    URL = media.Url, DirectPath = media.DirectPath, Mimetype = details.Mimetype, MediaKey = mediaKey,
                    FileSHA256 = fileSha256, FileEncSHA256 = fileEncSha256, FileLength = length, MediaKeyTimestamp = keyTimestamp,
                };
                if (details.Caption is { Length: > 0 } caption) video.Caption = caption;
                if (details.Width is { } width) video.Width = (uint)width;
                if (details.Height is { } height) video.Height = (uint)height;
                if (details.Seconds is { } seconds) video.Seconds = (uint)seconds;
                if (details.JpegThumbnail is { } thumbnail) video.JPEGThumbnail = ByteString.CopyFrom(thumbnail);
                return new Message { VideoMessage = video };
            }
            case MediaType.Audio or MediaType.Ptt:
            {
                var audio = new AudioMessage
                {
                    URL = media.Url, DirectPath = media.DirectPath, Mimetype = details.Mimetype, MediaKey = mediaKey,
                    FileSHA256 = fileSha256, FileEncSHA256 = fileEncSha256, FileLength = length, MediaKeyTimestamp = keyTimestamp,
                    PTT = details.Kind == MediaType.Ptt,
                };
                if (details.Seconds is { } seconds) audio.Seconds = (uint)seconds;
                if (details.Waveform is { } waveform) audio.Waveform = ByteString.CopyFrom(waveform);
                return new Message { AudioMessage = audio };
            }
            case MediaType.Document:
            {
                var document = new DocumentMessage
                {
                    URL = media.Url, DirectPath = media.DirectPath, Mimetype = details.Mimetype, MediaKey = mediaKey,
                    FileSHA256 = fileSha256, FileEncSHA256 = fileEncSha256, FileLength = length, MediaKeyTimestamp = keyTimestamp,
                };
                if (details.FileName is { Length: > 0 } fileName)
                {
                    document.FileName = fileName;
                    document.Title = fileName;
                }
                if (details.Caption is { Length: > 0 } caption) document.Caption = caption;
                if (details.JpegThumbnail is { } thumbnail) document.JPEGThumbnail = ByteString.CopyFrom(thumbnail);
                return new Message { DocumentMessage = document };
            }
            case MediaType.Sticker:
            {
                var sticker = new StickerMessage
                {
                    URL = media.Url, DirectPath = media.DirectPath, Mimetype = details.Mimetype, MediaKey = mediaKey,
                    FileSHA256 = fileSha256, FileEncSHA256 = fileEncSha256, FileLength = length, MediaKeyTimestamp = keyTimestamp,
                    IsAnimated = details.Animated,
                };
                if (details.Width is { } width) sticker.Width = (uint)width;
                if (details.Height is { } height) sticker.Height = (uint)height;
                return new Message { StickerMessage = sticker };
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(details), details.Kind, "Not a kind of media message.");
        }
    }
}
