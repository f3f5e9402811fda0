using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Tests.Binary;

/// <summary>Textual JID forms (whatsapp-protocol.md §3.5; whatsmeow types/jid.go ParseJID/String).</summary>
public class JidTests
{
    public static TheoryData<string, string, string, ushort, byte, string> Valid => new()
    {
        // text, user, server, device, agent, canonical text
        { "15551234567@s.whatsapp.net", "15551234567", "s.whatsapp.net", 0, 0, "15551234567@s.whatsapp.net" },
        { "15551234567:2@s.whatsapp.net", "15551234567", "s.whatsapp.net", 2, 0, "15551234567:2@s.whatsapp.net" },
        { "15551234567.3:4@s.whatsapp.net", "15551234567", "s.whatsapp.net", 4, 3, "15551234567.3:4@s.whatsapp.net" },
        { "15551234567.3@s.whatsapp.net", "15551234567", "s.whatsapp.net", 0, 3, "15551234567.3:0@s.whatsapp.net" },
        { "15551234567:0@s.whatsapp.net", "15551234567", "s.whatsapp.net", 0, 0, "15551234567@s.whatsapp.net" },
        { "123456789012345@lid", "123456789012345", "lid", 0, 0, "123456789012345@lid" },
        { "123456789012345:7@lid", "123456789012345", "lid", 7, 0, "123456789012345:7@lid" },
        { "120363000000000000@g.us", "120363000000000000", "g.us", 0, 0, "120363000000000000@g.us" },
        { "15551234567-1600000000@g.us", "15551234567-1600000000", "g.us", 0, 0, "15551234567-1600000000@g.us" },
        { "status@broadcast", "status", "broadcast", 0, 0, "status@broadcast" },
        { "1600000000@broadcast", "1600000000", "broadcast", 0, 0, "1600000000@broadcast" },
        { "120363111111111111@newsletter", "120363111111111111", "newsletter", 0, 0, "120363111111111111@newsletter" },
        { "15551234567@hosted", "15551234567", "hosted", 0, 0, "15551234567@hosted" },
        { "123456789012345:3@hosted.lid", "123456789012345", "hosted.lid", 3, 0, "123456789012345:3@hosted.lid" },
        { "16505361212@c.us", "16505361212", "c.us", 0, 0, "16505361212@c.us" },
        { "867051314767696@bot", "867051314767696", "bot", 0, 0, "867051314767696@bot" },
        { "100000000000001:300@msgr", "100000000000001", "msgr", 300, 0, "100000000000001:300@msgr" },
        { "5551234:1@interop", "5551234", "interop", 1, 0, "5551234:1@interop" },
        { "s.whatsapp.net", "", "s.whatsapp.net", 0, 0, "s.whatsapp.net" },
        { "@s.whatsapp.net", "", "s.whatsapp.net", 0, 0, "s.whatsapp.net" },
        { "g.us", "", "g.us", 0, 0, "g.us" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses_and_formats(string text, string user, string server, ushort device, byte agent, string canonical)
    {
        var jid = Jid.Parse(text);

        Assert.Equal(user, jid.User);
        Assert.Equal(server, jid.Server);
        Assert.Equal(device, jid.Device);
        Assert.Equal(agent, jid.Agent);
        Assert.Equal(canonical, jid.ToString());
        Assert.Equal(jid, Jid.Parse(canonical));
    }

    [Theory]
    [InlineData("x@lid@s.whatsapp.net")] // P21: the BL issue #2074 shape
    [InlineData("")]
    [InlineData("15551234567")] // bare number is not a server
    [InlineData("15551234567@")]
    [InlineData("155 51234567@s.whatsapp.net")]
    [InlineData("15551234567@S.WHATSAPP.NET")]
    [InlineData("15551234567@s..whatsapp.net")]
    [InlineData("15551234567:@s.whatsapp.net")]
    [InlineData("15551234567:x@s.whatsapp.net")]
    [InlineData("15551234567:-1@s.whatsapp.net")]
    [InlineData("15551234567:256@s.whatsapp.net")] // AD_JID carries the device in one byte
    [InlineData("15551234567:70000@msgr")]
    [InlineData("15551234567.1:2@s.whatsapp.net")] // agent 1 is the LID domain type
    [InlineData("15551234567.x@s.whatsapp.net")]
    [InlineData("1.2.3@s.whatsapp.net")]
    [InlineData("120363000000000000:1@g.us")] // groups have no devices
    [InlineData("15551234567.2@lid")] // agents only exist on s.whatsapp.net
    [InlineData("a:b:c@s.whatsapp.net")]
    public void Rejects_malformed_text(string text)
    {
        Assert.False(Jid.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Jid.Parse(text));
    }

    [Fact]
    public void Constructor_rejects_parts_that_cannot_be_encoded()
    {
        Assert.Throws<ArgumentException>(() => new Jid("x@lid", JidServers.User));
        Assert.Throws<ArgumentException>(() => new Jid("1", ""));
        Assert.Throws<ArgumentException>(() => new Jid("1", JidServers.Group, device: 1));
        Assert.Throws<ArgumentException>(() => new Jid("1", JidServers.Lid, device: 256));
        Assert.Throws<ArgumentException>(() => new Jid("1", JidServers.User, integrator: 1));
        Assert.Throws<ArgumentException>(() => new Jid("1", JidServers.User, agent: 128));
        Assert.Equal(9, new Jid("1", JidServers.Interop, device: 2, integrator: 9).Integrator);
    }

    [Fact]
    public void Lid_and_pn_helpers()
    {
        var pnDevice = Jid.Parse("15551234567:5@s.whatsapp.net");
        var lid = Jid.Parse("123456789012345@lid");

        Assert.True(pnDevice.IsUserPn);
        Assert.False(pnDevice.IsLid);
        Assert.True(pnDevice.IsAd);
        Assert.Equal(Jid.Parse("15551234567@s.whatsapp.net"), pnDevice.ToNonAd());
        Assert.True(lid.IsLid);
        Assert.False(lid.IsUserPn);
        Assert.Equal("123456789012345:9@lid", lid.WithDevice(9).ToString());
        Assert.Equal("15551234567:5@lid", pnDevice.WithServer(JidServers.Lid).ToString());
        Assert.False(Jid.ServerJid.IsUserPn);
        Assert.True(Jid.ServerJid.IsServerOnly);
        Assert.True(Jid.StatusBroadcast.IsStatusBroadcast);
        Assert.False(Jid.StatusBroadcast.IsBroadcastList);
        Assert.True(Jid.Parse("1600000000@broadcast").IsBroadcastList);
        Assert.True(Jid.Parse("120363000000000000@g.us").IsGroup);
        Assert.True(Jid.Parse("1@newsletter").IsNewsletter);
        Assert.True(Jid.Parse("1@hosted.lid").IsHostedLid);
        Assert.True(Jid.Parse("1@hosted").IsHostedPn);
        Assert.True(Jid.Parse("13135550002@s.whatsapp.net").IsBot);
        Assert.True(Jid.Parse("867051314767696@bot").IsBot);
        Assert.False(Jid.Parse("15551234567@s.whatsapp.net").IsBot);
        Assert.True(default(Jid).IsEmpty);
        Assert.Equal("", default(Jid).ToString());
        Assert.Equal(Jid.Parse("1@lid"), new Jid("1", "lid"));
        Assert.True(pnDevice.IsSameUserAs(pnDevice.ToNonAd()));
    }

    public static TheoryData<string, string> WireForms => new()
    {
        // jid text, expected encoded JID bytes (§3.5 table: which compact form whatsmeow's writeJID picks)
        { "s.whatsapp.net", "fa0003" },
        { "15551234567@s.whatsapp.net", "faff8615551234567f03" },
        { "15551234567:2@s.whatsapp.net", "f70002ff8615551234567f" },
        { "15551234567.3:0@s.whatsapp.net", "f70300ff8615551234567f" },
        { "123456789012345@lid", "faff88123456789012345f76" },
        { "123456789012345:7@lid", "f70107ff88123456789012345f" },
        { "123@hosted", "f78000ff82123f" },
        { "123:2@hosted.lid", "f78102ff82123f" },
        { "123:300@msgr", "f6ff82123f012ccc" },
        { "status@broadcast", "fa0b0d" },
    };

    [Theory]
    [MemberData(nameof(WireForms))]
    public void Encodes_in_the_form_whatsmeow_picks_and_decodes_back(string text, string jidHex)
    {
        var jid = Jid.Parse(text);
        var node = new Node("a", [new("to", jid)]);
        // f8 03 = list of 3, then a tag that is not a token (raw "a"), then "to" (token 0x11).
        var expectedNode = "f803fc0161" + "11" + jidHex;

        var encoded = WaBinaryEncoder.EncodeNode(node);

        Assert.Equal(expectedNode, Convert.ToHexStringLower(encoded));
        Assert.Equal(jid, WaBinaryDecoder.DecodeNode(encoded).GetRequiredJid("to"));
    }

    [Fact]
    public void Interop_jid_keeps_its_integrator_through_binary()
    {
        var jid = new Jid("5551234", JidServers.Interop, device: 1, integrator: 42);
        var encoded = WaBinaryEncoder.EncodeNode(new Node("a", [new("to", jid)]));

        // f5, user (nibbles), device u16 BE, integrator u16 BE, "interop" (raw, not a token) — §3.2 INTEROP_JID.
        Assert.Equal("f803fc016111" + "f5" + "ff845551234f" + "0001" + "002a" + "fc07696e7465726f70",
            Convert.ToHexStringLower(encoded));
        Assert.Equal(jid, WaBinaryDecoder.DecodeNode(encoded).GetRequiredJid("to"));
    }
}
