using SkiaSharp;

namespace CodeChat.Media.Preparation;

/// <summary>An image's own size and its inline JPEG thumbnail.</summary>
public sealed record ImageFacts(int Width, int Height, byte[] JpegThumbnail);

/// <summary>
/// Reads images with SkiaSharp: dimensions, the inline JPEG thumbnail (fitted in a box, aspect kept,
/// quality 50 as Baileys' <c>extractImageThumb</c>), and WebP re-encoding for stickers. Large photos
/// are decoded at a reduced scale where the codec can (JPEG, WebP), so a 50-megapixel photo does not
/// become 200 MB of pixels.
/// </summary>
public static class ImageThumbnailer
{
    private const int JpegQuality = 50;

    /// <summary>Facts about the image file at <paramref name="path"/>, or null when SkiaSharp cannot read it (e.g. HEIC).</summary>
    public static ImageFacts? Describe(string path, int maxWidth, int maxHeight)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var bitmap = DecodeFitting(path, maxWidth, maxHeight, out var width, out var height);
        if (bitmap is null)
            return null;
        var (fitWidth, fitHeight) = Fit(width, height, maxWidth, maxHeight);
        return new ImageFacts(width, height, EncodeJpeg(bitmap, fitWidth, fitHeight));
    }

    /// <summary>The JPEG thumbnail of an already decoded frame (a video's first frame).</summary>
    public static byte[] EncodeJpegThumbnail(SKBitmap bitmap, int maxWidth, int maxHeight)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        var (width, height) = Fit(bitmap.Width, bitmap.Height, maxWidth, maxHeight);
        return EncodeJpeg(bitmap, width, height);
    }

    private static byte[] EncodeJpeg(SKBitmap bitmap, int width, int height)
    {
        using var resized = width == bitmap.Width && height == bitmap.Height
            ? bitmap.Copy()
            : bitmap.Resize(new SKImageInfo(width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        using var image = SKImage.FromBitmap(resized);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, JpegQuality);
        return data.ToArray();
    }

    /// <summary>Re-encodes the image file at <paramref name="path"/> as WebP into <paramref name="destination"/>; false when it is not an image SkiaSharp reads.</summary>
    public static bool TryEncodeWebp(string path, Stream destination, out int width, out int height)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(destination);
        using var bitmap = SKBitmap.Decode(path);
        width = bitmap?.Width ?? 0;
        height = bitmap?.Height ?? 0;
        if (bitmap is null)
            return false;
        using var image = SKImage.FromBitmap(bitmap);
        using var encoded = image.Encode(SKEncodedImageFormat.Webp, 90);
        encoded.SaveTo(destination);
        return true;
    }

    /// <summary>The largest size inside <paramref name="maxWidth"/>×<paramref name="maxHeight"/> with the aspect of <paramref name="width"/>×<paramref name="height"/> (never enlarged).</summary>
    public static (int Width, int Height) Fit(int width, int height, int maxWidth, int maxHeight)
    {
        if (width <= maxWidth && height <= maxHeight)
            return (width, height);
        var scale = Math.Min((double)maxWidth / width, (double)maxHeight / height);
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    private static SKBitmap? DecodeFitting(string path, int maxWidth, int maxHeight, out int width, out int height)
    {
        width = height = 0;
        using var codec = SKCodec.Create(path);
        if (codec is null)
            return null;
        width = codec.Info.Width;
        height = codec.Info.Height;
        var (fitWidth, fitHeight) = Fit(width, height, maxWidth, maxHeight);
        // Ask the codec for twice the thumbnail's size (it rounds to the scales it supports, e.g. n/8
        // for JPEG) and resize from there, so the thumbnail is never made from fewer pixels than it has.
        var scaled = codec.GetScaledDimensions(Math.Min(1f, 2f * Math.Max((float)fitWidth / width, (float)fitHeight / height)));
        var info = new SKImageInfo(scaled.Width, scaled.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is SKCodecResult.Success or SKCodecResult.IncompleteInput)
            return bitmap;
        bitmap.Dispose();
        // The codec cannot decode at that scale: decode whole, then resize.
        return SKBitmap.Decode(path);
    }
}
