using System.Diagnostics;
using System.Text;
using SkiaSharp;

namespace CodeChat.Media.Tests;

/// <summary>Real media files made for the tests: images drawn with SkiaSharp, a WAV tone written by hand, videos by ffmpeg's test source.</summary>
internal static class TestMedia
{
    public static byte[] Image(int width, int height, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.SteelBlue);
            using var paint = new SKPaint { Color = SKColors.Orange };
            canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 3f, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>A 16-bit mono PCM WAV of a 440 Hz tone that gets louder over <paramref name="seconds"/>.</summary>
    public static byte[] Tone(double seconds, int sampleRate = 16000)
    {
        var samples = (int)(seconds * sampleRate);
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.ASCII);
        writer.Write("RIFF"u8);
        writer.Write(36 + samples * 2);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(sampleRate);
        writer.Write(sampleRate * 2);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(samples * 2);
        for (var i = 0; i < samples; i++)
        {
            var loudness = 0.1 + 0.8 * i / samples;
            writer.Write((short)(Math.Sin(2 * Math.PI * 440 * i / sampleRate) * loudness * short.MaxValue));
        }
        writer.Flush();
        return stream.ToArray();
    }

    /// <summary>An MP4 of ffmpeg's test pattern, <paramref name="seconds"/> long, with a sine audio track.</summary>
    public static async Task<byte[]> VideoAsync(int width, int height, int seconds, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"codechat-media-test-{Guid.NewGuid():N}.mp4");
        try
        {
            await RunFfmpegAsync(
                ["-f", "lavfi", "-i", $"testsrc=size={width}x{height}:rate=10:duration={seconds}",
                 "-f", "lavfi", "-i", $"sine=frequency=440:duration={seconds}",
                 "-c:v", "mpeg4", "-c:a", "aac", "-shortest", "-y", path], cancellationToken);
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static async Task RunFfmpegAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-hide_banner");
        start.ArgumentList.Add("-loglevel");
        start.ArgumentList.Add("error");
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, "ffmpeg failed: " + await errors);
    }
}
