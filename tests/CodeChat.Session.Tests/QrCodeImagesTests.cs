using System.Security.Cryptography;
using CodeChat.Grains.Sessions;

namespace CodeChat.Session.Tests;

public sealed class QrCodeImagesTests
{
    /// <summary>
    /// The PNG of any pairing QR reads back to its text: many random codes of the real shape
    /// (ref, noise key, identity key, ADV secret), since one in fifty failing would be a broken pairing.
    /// </summary>
    [Fact]
    public void Every_random_pairing_qr_reads_back_to_its_text()
    {
        for (var i = 0; i < 200; i++)
        {
            var code = string.Join(',', "2@" + Random(60), Random(32), Random(32), Random(32));
            Assert.Equal(code, QrImage.Decode(QrCodeImages.ToPngDataUrl(code)));
        }
    }

    private static string Random(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));
}
