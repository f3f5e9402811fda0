using CodeChat.WaEmulator.Protocol;

namespace CodeChat.WaEmulator.Tests;

public sealed class QrCodeTests
{
    private static readonly byte[] Noise = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Identity = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Adv = Enumerable.Range(200, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Parses_the_current_url_form_with_platform_id()
    {
        // whatsapp-protocol.md §4.2: https://wa.me/settings/linked_devices#ref,noise,identity,adv,platformId
        var qr = $"https://wa.me/settings/linked_devices#2@abc,{Convert.ToBase64String(Noise)},{Convert.ToBase64String(Identity)},{Convert.ToBase64String(Adv)},1";

        var code = QrCode.Parse(qr);

        Assert.Equal("2@abc", code.Ref);
        Assert.Equal(Noise, code.NoisePublicKey);
        Assert.Equal(Identity, code.IdentityPublicKey);
        Assert.Equal(Adv, code.AdvSecret);
        Assert.Equal("1", code.PlatformId);
    }

    [Fact]
    public void Parses_the_legacy_four_part_form()
    {
        var code = QrCode.Parse($"2@xyz,{Convert.ToBase64String(Noise)},{Convert.ToBase64String(Identity)},{Convert.ToBase64String(Adv)}");

        Assert.Equal("2@xyz", code.Ref);
        Assert.Null(code.PlatformId);
    }

    [Theory]
    [InlineData("2@only,two")]
    [InlineData("https://wa.me/settings/linked_devices#2@a,!!!,AAAA,AAAA,1")]
    public void Rejects_malformed_strings(string qr) => Assert.Throws<FormatException>(() => QrCode.Parse(qr));
}
