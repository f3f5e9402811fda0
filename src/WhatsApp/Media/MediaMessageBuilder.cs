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
        switch (details.Kind)
        {
            case MediaType.Image:
            {
                var image = WithUpload(new ImageMessage(), media, details.Mimetype, uploadedAt);
                if (details.Caption is { Length: > 0 } caption) image.Caption = caption;
                if (details.Width is { } width) image.Width = (uint)width;
                if (details.Height is { } height) image.Height = (uint)height;
                if (details.JpegThumbnail is { } thumbnail) image.JPEGThumbnail = ByteString.CopyFrom(thumbnail);
                return new Message { ImageMessage = image };
            }
            case MediaType.Video:
            {
                var video = WithUpload(new VideoMessage(), media, details.Mimetype, uploadedAt);
                if (details.Caption is { Length: > 0 } caption) video.Caption = caption;
                if (details.Width is { } width) video.Width = (uint)width;
                if (details.Height is { } height) video.Height = (uint)height;
                if (details.Seconds is { } seconds) video.Seconds = (uint)seconds;
                if (details.JpegThumbnail is { } thumbnail) video.JPEGThumbnail = ByteString.CopyFrom(thumbnail);
                return new Message { VideoMessage = video };
            }
            case MediaType.Audio or MediaType.Ptt:
            {
                var audio = WithUpload(new AudioMessage { PTT = details.Kind == MediaType.Ptt }, media, details.Mimetype, uploadedAt);
                if (details.Seconds is { } seconds) audio.Seconds = (uint)seconds;
                if (details.Waveform is { } waveform) audio.Waveform = ByteString.CopyFrom(waveform);
                return new Message { AudioMessage = audio };
            }
            case MediaType.Document:
            {
                var document = WithUpload(new DocumentMessage(), media, details.Mimetype, uploadedAt);
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
                var sticker = WithUpload(new StickerMessage { IsAnimated = details.Animated }, media, details.Mimetype, uploadedAt);
                if (details.Width is { } width) sticker.Width = (uint)width;
                if (details.Height is { } height) sticker.Height = (uint)height;
                return new Message { StickerMessage = sticker };
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(details), details.Kind, "Not a kind of media message.");
        }
    }

    // The five media messages name their upload fields alike (URL, mimetype, fileSHA256, fileLength,
    // mediaKey, fileEncSHA256, directPath, mediaKeyTimestamp) but share no generated interface, so the
    // fields are set through the descriptor by their proto names.
    private static T WithUpload<T>(T message, UploadedMedia media, string mimetype, DateTimeOffset uploadedAt) where T : IMessage
    {
        var fields = message.Descriptor;
        Set(message, fields, "URL", media.Url);
        Set(message, fields, "directPath", media.DirectPath);
        Set(message, fields, "mimetype", mimetype);
        Set(message, fields, "mediaKey", ByteString.CopyFrom(media.MediaKey));
        Set(message, fields, "fileSHA256", ByteString.CopyFrom(media.FileSha256));
        Set(message, fields, "fileEncSHA256", ByteString.CopyFrom(media.FileEncSha256));
        Set(message, fields, "fileLength", (ulong)media.FileLength);
        Set(message, fields, "mediaKeyTimestamp", uploadedAt.ToUnixTimeSeconds());
        return message;
    }

    private static void Set(IMessage message, Google.Protobuf.Reflection.MessageDescriptor fields, string name, object value) =>
        (fields.FindFieldByName(name) ?? throw new InvalidOperationException($"{fields.Name} has no field {name}."))
            .Accessor.SetValue(message, value);
}
