using CodeChat.WhatsApp.Binary;
using CsCheck;

namespace CodeChat.WhatsApp.Tests.Binary;

public class WaBinaryPropertyTests
{
    [Fact]
    public void Any_node_round_trips_through_the_encoder()
    {
        NodeGenerators.Nodes.Sample(node =>
        {
            var frame = WaBinaryEncoder.Encode(node);

            Assert.Equal(0, frame[0]);
            var decoded = WaBinaryDecoder.Decode(frame);
            Assert.Equal(node, decoded);
            Assert.Equal(frame, WaBinaryEncoder.Encode(decoded));
        }, iter: 1000, print: n => n.ToXml());
    }

    [Fact]
    public void Any_jid_round_trips_through_binary_and_text()
    {
        NodeGenerators.Jids.Sample(jid =>
        {
            var node = new Node("x", [new("jid", jid)], jid);

            var decoded = WaBinaryDecoder.DecodeNode(WaBinaryEncoder.EncodeNode(node));

            Assert.Equal(jid, decoded.GetRequiredJid("jid"));
            Assert.Equal(jid, decoded.Content.Jid);
            // Text drops only the interop integrator (no textual form upstream either).
            var reparsed = Jid.Parse(jid.ToString());
            Assert.Equal(jid.Integrator == 0 ? jid : new Jid(jid.User, jid.Server, jid.Device, jid.Agent), reparsed);
        }, iter: 2000);
    }

    [Fact]
    public void Any_string_round_trips_as_an_attribute_value()
    {
        NodeGenerators.AnyText.Sample(text =>
        {
            var node = new Node("x", [new("v", text)]);

            var decoded = WaBinaryDecoder.DecodeNode(WaBinaryEncoder.EncodeNode(node));

            Assert.Equal(text.Length == 0 ? null : text, decoded.GetAttribute("v"));
        }, iter: 2000);
    }
}
