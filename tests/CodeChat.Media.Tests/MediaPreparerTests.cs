using CodeChat.Media.Preparation;
using CodeChat.Media.Sources;
using CodeChat.WhatsApp.Crypto;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace CodeChat.Media.Tests;

/// <summary>The preparation of each kind, with Debian's ffmpeg and SkiaSharp doing the real work.</summary>
public sealed class MediaPreparerTests
{
    private const string Field = "mediaMessage.media";

    private static (MediaPreparer Preparer, FfmpegTools Ffmpeg) Create(MediaOptions? options = null)
    {
        var wrapped = Options.Create(options ?? new MediaOptions());
        var ffmpeg = new FfmpegTools(wrapped);
        return (new MediaPreparer(wrapped, ffmpeg, NullLogger<MediaPreparer>.Instance), ffmpeg);
    }

    private static Task<MediaSource> SourceAsync(byte[] bytes, string? contentType, string? fileName, CancellationToken ct) =>
        MediaSource.FromStreamAsync(new MemoryStream(bytes), contentType, fileName, long.MaxValue, Field, ct);

    [Fact]
    public async Task An_image_keeps_its_bytes_and_gets_its_size_and_a_thumbnail()
    {
        var ct = TestContext.Current.CancellationToken;
        var bytes = TestMedia.Image(800, 400, SKEncodedImageFormat.Jpeg);
        await using var source = await SourceAsync(bytes, "application/octet-stream", null, ct);

        await using var prepared = await Create().Preparer.PrepareAsync(source, new MediaRequest(MediaType.Image, Field) { Caption = "hi" }, ct);

        Assert.Same(source.Content, prepared.Content);
        Assert.Equal("image/jpeg", prepared.Details.Mimetype);
        Assert.Equal((800, 400), (prepared.Details.Width, prepared.Details.Height));
        Assert.Equal("hi", prepared.Details.Caption);
        using var thumbnail = SKBitmap.Decode(prepared.Details.JpegThumbnail);
        Assert.Equal((320, 160), (thumbnail.Width, thumbnail.Height));
    }

    [Fact]
    public async Task A_wav_voice_note_becomes_ogg_opus_that_ffprobe_reads_with_duration_and_waveform()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceAsync(TestMedia.Tone(3.0), "audio/wav", "note.wav", ct);
        var (preparer, ffmpeg) = Create();

        await using var prepared = await preparer.PrepareAsync(source, new MediaRequest(MediaType.Ptt, "audioMessage.audio"), ct);

        Assert.NotSame(source.Content, prepared.Content);
        Assert.Equal("audio/ogg; codecs=opus", prepared.Details.Mimetype);
        Assert.Equal(MediaType.Ptt, prepared.Details.Kind);
        Assert.Equal(3, prepared.Details.Seconds);
        var waveform = prepared.Details.Waveform;
        Assert.NotNull(waveform);
        Assert.Equal(64, waveform.Length);
        Assert.Equal(100, waveform.Max());
        // The tone gets louder: the last bars are louder than the first.
        Assert.True(waveform[..8].Average(b => b) < waveform[^8..].Average(b => b));

        var copy = Path.Combine(Path.GetTempPath(), $"codechat-media-test-{Guid.NewGuid():N}.ogg");
        try
        {
            await using (var file = File.Create(copy))
                await prepared.Content.CopyToAsync(file, ct);
            var facts = await ffmpeg.ProbeAsync(copy, ct);
            Assert.NotNull(facts);
            Assert.Equal("ogg", facts.FormatName);
            Assert.Equal("opus", facts.AudioCodec);
            Assert.InRange(facts.Duration.TotalSeconds, 2.9, 3.1);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public async Task An_ogg_opus_voice_note_is_sent_as_it_is_unless_conversion_is_asked()
    {
        var ct = TestContext.Current.CancellationToken;
        var (preparer, _) = Create();
        byte[] opus;
        await using (var wav = await SourceAsync(TestMedia.Tone(2.0), "audio/wav", null, ct))
        await using (var converted = await preparer.PrepareAsync(wav, new MediaRequest(MediaType.Ptt, Field), ct))
        {
            using var buffer = new MemoryStream();
            await converted.Content.CopyToAsync(buffer, ct);
            opus = buffer.ToArray();
        }

        await using var source = await SourceAsync(opus, "audio/ogg", null, ct);
        await using (var kept = await preparer.PrepareAsync(source, new MediaRequest(MediaType.Ptt, Field), ct))
        {
            Assert.Same(source.Content, kept.Content);
            Assert.Equal(2, kept.Details.Seconds);
            Assert.Equal(64, kept.Details.Waveform!.Length);
        }
        source.Content.Position = 0;
        await using var reconverted = await preparer.PrepareAsync(source, new MediaRequest(MediaType.Ptt, Field) { ConvertAudio = true }, ct);
        Assert.NotSame(source.Content, reconverted.Content);
        Assert.Equal("audio/ogg; codecs=opus", reconverted.Details.Mimetype);
    }

    [Fact]
    public async Task Audio_that_ffmpeg_cannot_read_is_refused_as_a_voice_note_naming_the_field()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceAsync("definitely not audio"u8.ToArray(), null, null, ct);
        var error = await Assert.ThrowsAsync<MediaInputException>(() => Create().Preparer.PrepareAsync(source, new MediaRequest(MediaType.Ptt, "audioMessage.audio"), ct));
        Assert.Equal("audioMessage.audio", error.Field);
    }

    [Fact]
    public async Task A_video_gets_duration_size_and_a_thumbnail_of_its_first_frame()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceAsync(await TestMedia.VideoAsync(640, 360, 2, ct), null, "clip.mp4", ct);

        await using var prepared = await Create().Preparer.PrepareAsync(source, new MediaRequest(MediaType.Video, Field) { FileName = "clip.mp4" }, ct);

        Assert.Equal("video/mp4", prepared.Details.Mimetype);
        Assert.Equal(2, prepared.Details.Seconds);
        Assert.Equal((640, 360), (prepared.Details.Width, prepared.Details.Height));
        using var thumbnail = SKBitmap.Decode(prepared.Details.JpegThumbnail);
        Assert.Equal((320, 180), (thumbnail.Width, thumbnail.Height));
    }

    [Fact]
    public async Task Plain_audio_keeps_its_file_and_type_and_gets_its_duration()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceAsync(TestMedia.Tone(4.0), null, "song.wav", ct);

        await using var prepared = await Create().Preparer.PrepareAsync(source, new MediaRequest(MediaType.Audio, Field) { FileName = "song.wav" }, ct);

        Assert.Same(source.Content, prepared.Content);
        Assert.Equal("audio/wav", prepared.Details.Mimetype);
        Assert.Equal(4, prepared.Details.Seconds);
    }

    [Fact]
    public async Task A_document_needs_a_file_name()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceAsync("%PDF-1.4"u8.ToArray(), null, "from-url.pdf", ct);
        var preparer = Create().Preparer;

        var error = await Assert.ThrowsAsync<MediaInputException>(() => preparer.PrepareAsync(source, new MediaRequest(MediaType.Document, Field), ct));
        Assert.Equal("fileName", error.Field);
        Assert.Equal("The \"fileName\" property must be provided for documents", error.Message);

        await using var prepared = await preparer.PrepareAsync(source, new MediaRequest(MediaType.Document, Field) { FileName = "report.pdf", Caption = "Q3" }, ct);
        Assert.Equal(("application/pdf", "report.pdf", "Q3"), (prepared.Details.Mimetype, prepared.Details.FileName, prepared.Details.Caption));
    }

    [Fact]
    public async Task Each_kind_has_its_own_size_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        var preparer = Create(new MediaOptions { ImageMaxBytes = 1_000, DocumentMaxBytes = 5_000 }).Preparer;
        await using var source = await SourceAsync(new byte[2_000], null, null, ct);

        var error = await Assert.ThrowsAsync<MediaTooLargeException>(() => preparer.PrepareAsync(source, new MediaRequest(MediaType.Image, Field), ct));
        Assert.Equal((Field, 1_000L), (error.Field, error.LimitBytes));
        await using var document = await preparer.PrepareAsync(source, new MediaRequest(MediaType.Document, Field) { FileName = "a.bin" }, ct);
        Assert.Equal(MediaType.Document, document.Details.Kind);
    }

    [Fact]
    public async Task A_png_sticker_is_reencoded_as_webp()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceAsync(TestMedia.Image(512, 512), "image/png", null, ct);

        await using var prepared = await Create().Preparer.PrepareAsync(source, new MediaRequest(MediaType.Sticker, Field), ct);

        Assert.Equal("image/webp", prepared.Details.Mimetype);
        Assert.Equal((512, 512), (prepared.Details.Width, prepared.Details.Height));
        var head = new byte[12];
        await prepared.Content.ReadExactlyAsync(head, ct);
        Assert.Equal("image/webp", MediaTypes.Sniff(head));
    }
}
