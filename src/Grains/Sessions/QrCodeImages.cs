using QRCoder;

namespace CodeChat.Grains.Sessions;

/// <summary>The QR PNG CodeChat puts in <c>base64</c>: a <c>data:image/png;base64,…</c> URL.</summary>
public static class QrCodeImages
{
    private const int PixelsPerModule = 6;

    public static string ToPngDataUrl(string code)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        using var generator = new QRCodeGenerator();
        // Medium correction: readable from a screen photo while keeping the long ref string small.
        using var data = generator.CreateQrCode(code, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(PixelsPerModule);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
