using FFMpegCore;
using Microsoft.Extensions.Options;

namespace CodeChat.Media.Preparation;

/// <summary>What ffprobe says about an audio or video file.</summary>
public sealed record AvFacts(TimeSpan Duration, string? FormatName, string? AudioCodec, int? Width, int? Height);

/// <summary>
/// Debian's <c>ffmpeg</c>/<c>ffprobe</c> through FFMpegCore: probing (duration, codecs, size),
/// converting a voice note to OGG/Opus, taking a video's first frame, and decoding audio to the PCM
/// a waveform is computed from. Every run has <see cref="MediaOptions.FfmpegTimeout"/>.
/// </summary>
public sealed class FfmpegTools(IOptions<MediaOptions> options)
{
    private readonly MediaOptions _options = options.Value;

    private FFOptions Options => new()
    {
        BinaryFolder = _options.FfmpegFolder ?? "",
        TemporaryFilesFolder = Path.GetTempPath(),
    };

    /// <summary>The file's facts, or null when ffprobe cannot read it as audio or video.</summary>
    public async Task<AvFacts?> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        IMediaAnalysis analysis;
        try
        {
            analysis = await FFProbe.AnalyseAsync(path, Options, cancellationToken: deadline.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is FFMpegCore.Exceptions.FFMpegException or FFMpegCore.Exceptions.FormatNullException or System.Text.Json.JsonException)
        {
            return null;
        }
        if (analysis.PrimaryAudioStream is null && analysis.PrimaryVideoStream is null)
            return null;
        return new AvFacts(
            analysis.Duration,
            analysis.Format.FormatName,
            analysis.PrimaryAudioStream?.CodecName,
            analysis.PrimaryVideoStream?.Width,
            analysis.PrimaryVideoStream?.Height);
    }

    /// <summary>
    /// Converts any audio ffmpeg reads into a mono 48 kHz OGG/Opus voice note at
    /// <paramref name="outputPath"/> (Opus in OGG is what WhatsApp clients record, mimetype
    /// <c>audio/ogg; codecs=opus</c>); false when ffmpeg cannot.
    /// </summary>
    public Task<bool> ConvertToOggOpusAsync(string inputPath, string outputPath, CancellationToken cancellationToken) =>
        RunAsync(inputPath, outputPath, "-vn -map_metadata -1 -ac 1 -ar 48000 -c:a libopus -b:a 32k -application voip -f ogg", cancellationToken);

    /// <summary>The video's first frame as JPEG at <paramref name="outputPath"/> (Baileys takes the frame at 00:00:00 the same way); false when there is none.</summary>
    public Task<bool> ExtractFirstFrameAsync(string inputPath, string outputPath, CancellationToken cancellationToken) =>
        RunAsync(inputPath, outputPath, "-an -frames:v 1 -f image2 -c:v mjpeg", cancellationToken);

    /// <summary>The audio as raw signed 16-bit little-endian mono PCM at 8 kHz (enough for a waveform) at <paramref name="outputPath"/>.</summary>
    public Task<bool> DecodeToPcmAsync(string inputPath, string outputPath, CancellationToken cancellationToken) =>
        RunAsync(inputPath, outputPath, "-vn -ac 1 -ar 8000 -f s16le -c:a pcm_s16le", cancellationToken);

    private async Task<bool> RunAsync(string inputPath, string outputPath, string outputArguments, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        try
        {
            var result = await FFMpegArguments
                .FromFileInput(inputPath)
                .OutputToFile(outputPath, overwrite: true, arguments => arguments.WithCustomArgument(outputArguments))
                .ProcessAsynchronously(throwOnError: false, Options, deadline.Token)
                .ConfigureAwait(false);
            return result.Success;
        }
        catch (FFMpegCore.Exceptions.FFMpegException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private CancellationTokenSource Deadline(CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.FfmpegTimeout);
        return deadline;
    }
}
