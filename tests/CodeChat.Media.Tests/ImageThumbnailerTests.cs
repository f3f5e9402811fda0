using CodeChat.Media.Preparation;
using SkiaSharp;

namespace CodeChat.Media.Tests;

public sealed class ImageThumbnailerTests
{
    [Theory]
    [InlineData(1000, 600, 320, 192)]
    [InlineData(600, 1000, 144, 240)]
    [InlineData(4000, 3000, 320, 240)]
    [InlineData(200, 100, 200, 100)]
    public async Task The_thumbnail_is_a_jpeg_fitted_in_the_box_with_the_images_own_size(int width, int height, int thumbWidth, int thumbHeight)
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, TestMedia.Image(width, height, SKEncodedImageFormat.Jpeg), ct);

            var facts = ImageThumbnailer.Describe(path, 320, 240);

            Assert.NotNull(facts);
            Assert.Equal((width, height), (facts.Width, facts.Height));
            Assert.Equal([0xFF, 0xD8, 0xFF], facts.JpegThumbnail[..3]);
            using var thumbnail = SKBitmap.Decode(facts.JpegThumbnail);
            Assert.Equal((thumbWidth, thumbHeight), (thumbnail.Width, thumbnail.Height));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_has_no_facts()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "%PDF-1.4 not an image", ct);
            Assert.Null(ImageThumbnailer.Describe(path, 320, 240));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
