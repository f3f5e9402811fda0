using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Signal;

namespace CodeChat.WhatsApp.Tests.Signal;

public class SignalAddressTests
{
    [Theory]
    // whatsapp-protocol.md §6.6: name = user, plus _<domainType> when the domain type is not 0.
    [InlineData("15551234567:2@s.whatsapp.net", "15551234567", 2u, "15551234567.2")]
    [InlineData("15551234567@s.whatsapp.net", "15551234567", 0u, "15551234567.0")]
    [InlineData("123456789012345:12@lid", "123456789012345_1", 12u, "123456789012345_1.12")]
    [InlineData("15551234567:99@hosted", "15551234567_128", 99u, "15551234567_128.99")]
    [InlineData("123456789012345:99@hosted.lid", "123456789012345_129", 99u, "123456789012345_129.99")]
    public void Address_of_a_device_jid_and_back(string jid, string name, uint device, string text)
    {
        var address = SignalAddress.FromJid(Jid.Parse(jid));
        Assert.Equal(name, address.Name);
        Assert.Equal(device, address.DeviceId);
        Assert.Equal(text, address.ToString());
        Assert.Equal(address, SignalAddress.Parse(text));
        Assert.Equal(Jid.Parse(jid), address.ToJid());
    }

    [Theory]
    [InlineData("120363025246125888@g.us")]
    [InlineData("status@broadcast")]
    [InlineData("s.whatsapp.net")]
    public void Non_user_jids_have_no_address(string jid) =>
        Assert.Throws<ArgumentException>(() => SignalAddress.FromJid(Jid.Parse(jid)));

    [Theory]
    [InlineData("15551234567")]
    [InlineData("15551234567.x")]
    [InlineData(".3")]
    public void Malformed_text_is_rejected(string text) => Assert.Throws<FormatException>(() => SignalAddress.Parse(text));

    [Fact]
    public void An_unknown_domain_suffix_names_no_jid() =>
        Assert.Throws<FormatException>(() => new SignalAddress("1555_7", 0).ToJid());
}
