using StbImageSharp;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace CodeChat.Session.Tests;

/// <summary>Reads a QR <c>data:image/png;base64,…</c> URL back to its text, as a phone camera would.</summary>
public static class QrImage
{
    public const string PngDataUrlPrefix = "data:image/png;base64,";

    public static string Decode(string dataUrl)
    {
        Assert.StartsWith(PngDataUrlPrefix, dataUrl);
        var png = Convert.FromBase64String(dataUrl[PngDataUrlPrefix.Length..]);
        // The PNG signature: the image really is a PNG, not just labelled as one.
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var image = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        var luminance = new RGBLuminanceSource(image.Data, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        // A rendered code, not a photo: read its modules straight off the grid. The photo heuristics
        // (finder-pattern search over a binarised image) missed about one random code in fifty.
        var hints = new Dictionary<DecodeHintType, object> { [DecodeHintType.PURE_BARCODE] = true, [DecodeHintType.TRY_HARDER] = true };
        var result = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(luminance)), hints);
        Assert.NotNull(result);
        return result.Text;
    }
}
