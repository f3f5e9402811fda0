using CodeChat.Media.Sources;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Media;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeChat.Media.Preparation;

/// <summary>
/// Turns a caller's media (<see cref="MediaSource"/>) into what a WhatsApp media message needs:
/// checks the size limit of its kind, settles the mimetype, and adds per kind what WhatsApp clients
/// show before downloading: images their size and a JPEG thumbnail; videos duration, size and a
/// thumbnail of the first frame; audio its duration; voice notes OGG/Opus (converted when they are
/// not, or when asked), duration and waveform; stickers WebP and size; documents their file name.
/// </summary>
public sealed partial class MediaPreparer(IOptions<MediaOptions> options, FfmpegTools ffmpeg, ILogger<MediaPreparer> logger)
{
    private readonly MediaOptions _options = options.Value;

    public async Task<PreparedMedia> PrepareAsync(MediaSource source, MediaRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(request);
        var limit = _options.MaxBytesFor(request.Kind);
        if (source.Length > limit)
            throw new MediaTooLargeException(request.Field, limit);
        if (source.Length == 0)
            throw new MediaInputException(request.Field, $"{request.Field} is empty");
        var fileName = string.IsNullOrWhiteSpace(request.FileName) ? null : request.FileName.Trim();
        if (request.Kind == MediaType.Document && fileName is null)
            throw new MediaInputException(request.FileNameField, "The \"fileName\" property must be provided for documents");
        var mimetype = await MediaTypes.DetectAsync(fileName ?? source.FileName, source.ContentType, source.Content, cancellationToken).ConfigureAwait(false);
        var details = new MediaMessageDetails(request.Kind, mimetype) { Caption = request.Caption, FileName = fileName };

        switch (request.Kind)
        {
            case MediaType.Image:
                return new PreparedMedia(source.Content, WithImageFacts(details, source.Path), null);
            case MediaType.Video:
                return new PreparedMedia(source.Content, await WithVideoFactsAsync(details, source.Path, cancellationToken).ConfigureAwait(false), null);
            case MediaType.Audio:
            {
                var facts = await ffmpeg.ProbeAsync(source.Path, cancellationToken).ConfigureAwait(false);
                return new PreparedMedia(source.Content, details with { Seconds = Seconds(facts) }, null);
            }
            case MediaType.Ptt:
                return await PrepareVoiceNoteAsync(source, request, details, cancellationToken).ConfigureAwait(false);
            case MediaType.Sticker:
                return PrepareSticker(source, request, details);
            case MediaType.Document:
                return new PreparedMedia(source.Content, details, null);
            default:
                throw new ArgumentOutOfRangeException(nameof(request), request.Kind, "Not a kind of media a message sends.");
        }
    }

    private MediaMessageDetails WithImageFacts(MediaMessageDetails details, string path)
    {
        var facts = ImageThumbnailer.Describe(path, _options.ThumbnailMaxWidth, _options.ThumbnailMaxHeight);
        if (facts is null)
        {
            LogNoThumbnail(logger, details.Mimetype);
            return details;
        }
        return details with { Width = facts.Width, Height = facts.Height, JpegThumbnail = facts.JpegThumbnail };
    }

    private async Task<MediaMessageDetails> WithVideoFactsAsync(MediaMessageDetails details, string path, CancellationToken cancellationToken)
    {
        var facts = await ffmpeg.ProbeAsync(path, cancellationToken).ConfigureAwait(false);
        details = details with { Seconds = Seconds(facts), Width = facts?.Width, Height = facts?.Height };
        var frame = TemporaryMediaFile.CreatePath(".jpg");
        try
        {
            if (!await ffmpeg.ExtractFirstFrameAsync(path, frame, cancellationToken).ConfigureAwait(false))
            {
                LogNoThumbnail(logger, details.Mimetype);
                return details;
            }
            var thumbnail = ImageThumbnailer.Describe(frame, _options.ThumbnailMaxWidth, _options.ThumbnailMaxHeight);
            return thumbnail is null ? details : details with { JpegThumbnail = thumbnail.JpegThumbnail };
        }
        finally
        {
            File.Delete(frame);
        }
    }

    private async Task<PreparedMedia> PrepareVoiceNoteAsync(MediaSource source, MediaRequest request, MediaMessageDetails details, CancellationToken cancellationToken)
    {
        var facts = await ffmpeg.ProbeAsync(source.Path, cancellationToken).ConfigureAwait(false)
            ?? throw new MediaInputException(request.Field, $"{request.Field} is not audio ffmpeg can read");
        var alreadyOpus = facts.AudioCodec == "opus" && facts.FormatName == "ogg";
        var voiceNote = details with { Mimetype = MediaTypes.OggOpus, Caption = null, FileName = null };
        if (alreadyOpus && !request.ConvertAudio)
        {
            return new PreparedMedia(source.Content, voiceNote with
            {
                Seconds = Seconds(facts),
                Waveform = await WaveformAsync(source.Path, cancellationToken).ConfigureAwait(false),
            }, null);
        }

        var converted = TemporaryMediaFile.CreatePath(".ogg");
        try
        {
            if (!await ffmpeg.ConvertToOggOpusAsync(source.Path, converted, cancellationToken).ConfigureAwait(false))
                throw new MediaInputException(request.Field, $"{request.Field} could not be converted to an OGG/Opus voice note");
            var convertedFacts = await ffmpeg.ProbeAsync(converted, cancellationToken).ConfigureAwait(false);
            var waveform = await WaveformAsync(converted, cancellationToken).ConfigureAwait(false);
            // Open before deleting the name: the open handle keeps the bytes until it closes.
            var file = new FileStream(converted, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
            if (file.Length > _options.MaxBytesFor(MediaType.Ptt))
            {
                await file.DisposeAsync().ConfigureAwait(false);
                throw new MediaTooLargeException(request.Field, _options.MaxBytesFor(MediaType.Ptt));
            }
            return new PreparedMedia(file, voiceNote with { Seconds = Seconds(convertedFacts ?? facts), Waveform = waveform }, file);
        }
        finally
        {
            File.Delete(converted);
        }
    }

    private async Task<byte[]?> WaveformAsync(string audioPath, CancellationToken cancellationToken)
    {
        var pcmPath = TemporaryMediaFile.CreatePath(".pcm");
        try
        {
            if (!await ffmpeg.DecodeToPcmAsync(audioPath, pcmPath, cancellationToken).ConfigureAwait(false))
                return null;
            await using var pcm = new FileStream(pcmPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
            return await VoiceWaveform.FromPcm16Async(pcm, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(pcmPath);
        }
    }

    private PreparedMedia PrepareSticker(MediaSource source, MediaRequest request, MediaMessageDetails details)
    {
        var sticker = details with { Mimetype = "image/webp", Caption = null, FileName = null };
        if (details.Mimetype == "image/webp")
        {
            var facts = ImageThumbnailer.Describe(source.Path, _options.ThumbnailMaxWidth, _options.ThumbnailMaxHeight);
            return new PreparedMedia(source.Content, sticker with { Width = facts?.Width, Height = facts?.Height }, null);
        }
        var webp = TemporaryMediaFile.Create();
        if (!ImageThumbnailer.TryEncodeWebp(source.Path, webp, out var width, out var height))
        {
            webp.Dispose();
            throw new MediaInputException(request.Field, $"{request.Field} is not an image a sticker can be made of");
        }
        if (webp.Length > _options.MaxBytesFor(MediaType.Sticker))
        {
            webp.Dispose();
            throw new MediaTooLargeException(request.Field, _options.MaxBytesFor(MediaType.Sticker));
        }
        webp.Position = 0;
        return new PreparedMedia(webp, sticker with { Width = width, Height = height }, webp);
    }

    private static int? Seconds(AvFacts? facts) =>
        facts is null || facts.Duration <= TimeSpan.Zero ? null : (int)Math.Round(facts.Duration.TotalSeconds, MidpointRounding.AwayFromZero);

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "No thumbnail for {Mimetype}: the file could not be decoded")]
    private static partial void LogNoThumbnail(ILogger logger, string mimetype);
}
