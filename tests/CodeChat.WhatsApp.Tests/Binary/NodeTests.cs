using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Tests.Binary;

public class NodeTests
{
    private static Node SampleIq() => new("iq",
        [new("id", "41234.56789-2"), new("type", "result"), new("from", Jid.ServerJid), new("t", "1700000000"), new("count", "-5"), new("enabled", "true")],
        new Node[]
        {
            new("count", [new("value", "42")]),
            new("item", [new("jid", "15551234567@s.whatsapp.net")]),
            new("item", [new("jid", new Jid("123", JidServers.Lid, device: 3))]),
            new("enc", [new("v", "2")], new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }),
        });

    [Fact]
    public void Typed_attribute_getters_parse_values()
    {
        var iq = SampleIq();

        Assert.Equal("41234.56789-2", iq.GetRequiredAttribute("id"));
        Assert.Equal("s.whatsapp.net", iq.GetAttribute("from"));
        Assert.Equal(Jid.ServerJid, iq.GetRequiredJid("from"));
        Assert.Equal(1700000000L, iq.GetRequiredInt64("t"));
        Assert.Equal(-5, iq.GetRequiredInt32("count"));
        Assert.True(iq.GetRequiredBool("enabled"));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), iq.GetUnixTime("t"));
        Assert.Null(iq.GetAttribute("missing"));
        Assert.Null(iq.GetInt64("missing"));
        Assert.Null(iq.GetJid("missing"));
        Assert.False(iq.HasAttribute("missing"));
    }

    [Fact]
    public void Missing_or_unparsable_required_attributes_throw_with_context()
    {
        var iq = SampleIq();

        var missing = Assert.Throws<WaBinaryException>(() => iq.GetRequiredAttribute("to"));
        Assert.Contains("<iq> lacks the required attribute 'to'", missing.Message, StringComparison.Ordinal);
        Assert.Throws<WaBinaryException>(() => iq.GetRequiredInt64("type"));
        Assert.Throws<WaBinaryException>(() => iq.GetRequiredJid("type"));
        Assert.Throws<WaBinaryException>(() => iq.GetRequiredBool("id"));
        Assert.Throws<WaBinaryException>(() => iq.GetUInt64("count"));
        Assert.Throws<WaBinaryException>(() => iq.GetRequiredChild("nothing"));
    }

    [Fact]
    public void Child_accessors_find_children_by_tag()
    {
        var iq = SampleIq();

        Assert.Equal("42", iq.GetRequiredChild("count").GetAttribute("value"));
        Assert.Equal(2, iq.GetChildren("item").Count());
        // A JID given as a string is parsed on read; a typed JID is returned as is.
        Assert.Equal([Jid.Parse("15551234567@s.whatsapp.net"), new Jid("123", JidServers.Lid, device: 3)],
            iq.GetChildren("item").Select(i => i.GetRequiredJid("jid")));
        Assert.Null(iq.GetChild("nothing"));
        Assert.True(iq.HasChild("enc"));
        Assert.Equal(10, iq.GetRequiredChild("enc").Bytes!.Value.Length);
        Assert.Null(iq.Bytes);
        Assert.Same(iq.GetChild("count"), iq.GetChildByPath("count"));
        Assert.Null(iq.GetChildByPath("count", "deeper"));
    }

    [Fact]
    public void Empty_attribute_values_are_dropped_and_repeated_names_keep_the_last_value()
    {
        var node = new Node("x", [new("a", "1"), new("b", ""), new("c", default(Jid)), new("a", "2")]);

        Assert.Equal(["a"], node.Attributes.Select(a => a.Name));
        Assert.Equal("2", node.GetAttribute("a"));
        Assert.Equal(node, WaBinaryDecoder.Decode(WaBinaryEncoder.Encode(node)));
    }

    [Fact]
    public void Empty_child_list_is_no_content()
    {
        var node = new Node("x", default, Array.Empty<Node>());

        Assert.Equal(NodeContentKind.None, node.Content.Kind);
        Assert.Equal(new Node("x"), node);
    }

    [Fact]
    public void Printer_shows_structure_and_only_a_prefix_of_bytes()
    {
        var iq = SampleIq();

        var compact = iq.ToString();

        Assert.StartsWith("<iq id=\"41234.56789-2\" type=\"result\" from=\"s.whatsapp.net\"", compact, StringComparison.Ordinal);
        Assert.Contains("<item jid=\"123:3@lid\"/>", compact, StringComparison.Ordinal);
        Assert.Contains("<enc v=\"2\">[10 bytes 0102030405060708…]</enc>", compact, StringComparison.Ordinal);
        Assert.DoesNotContain("090a", compact, StringComparison.Ordinal);
        Assert.EndsWith("</iq>", compact, StringComparison.Ordinal);

        var indented = iq.ToXml();
        Assert.Contains("\n  <count value=\"42\"/>", indented, StringComparison.Ordinal);
        Assert.EndsWith("\n</iq>", indented, StringComparison.Ordinal);
    }

    [Fact]
    public void Printer_escapes_markup_in_values()
    {
        var node = new Node("x", [new("q", "a\"<b>&")], "tex<t");

        Assert.Equal("<x q=\"a&quot;&lt;b&gt;&amp;\">tex&lt;t</x>", node.ToString());
    }

    [Fact]
    public void Equality_is_structural()
    {
        Assert.Equal(SampleIq(), SampleIq());
        Assert.Equal(SampleIq().GetHashCode(), SampleIq().GetHashCode());
        Assert.NotEqual(SampleIq(), SampleIq().WithAttribute("id", "other"));
        Assert.NotEqual(new Node("x", default, "abc"), new Node("x", default, "abc"u8.ToArray()));
        Assert.NotEqual(new Node("x", [new("to", "1@lid")]), new Node("x", [new("to", Jid.Parse("1@lid"))]));
    }
}
