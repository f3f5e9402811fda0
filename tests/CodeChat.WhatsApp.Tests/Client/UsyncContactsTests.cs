using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// The contact usync as whatsmeow's IsOnWhatsApp and Baileys 7's onWhatsApp build and read it: the
/// query asks <c>&lt;contact/&gt;</c> with one <c>+number</c> per user; <c>type="in"</c> means an account.
/// </summary>
public sealed class UsyncContactsTests
{
    [Fact]
    public void The_query_asks_contact_and_lid_for_each_number_in_the_interactive_context()
    {
        var iq = UsyncContacts.Query(["5511987654321", "5511987654321", "15550100001"], "sid-1");
        var usync = iq.GetChild("usync")!;
        Assert.Equal("usync", iq.GetAttribute("xmlns"));
        Assert.Equal("interactive", usync.GetAttribute("context"));
        Assert.Equal(["contact", "lid"], usync.GetChild("query")!.Children.Select(c => c.Tag));
        Assert.Equal(["+5511987654321", "+15550100001"], usync.GetChild("list")!.GetChildren("user").Select(u => u.GetChild("contact")!.Content.Text));
    }

    [Fact]
    public void The_answer_names_each_account_with_its_JID_and_LID_and_tells_missing_numbers()
    {
        var answer = new Node("iq", [new("type", "result")], new Node("usync", default, new Node("list", default, new Node[]
        {
            new("user", [new("jid", Jid.Parse("553187654321@s.whatsapp.net"))], new Node[]
            {
                new("contact", [new("type", "in")], "+5531987654321"),
                new("lid", [new("val", Jid.Parse("100000000000001@lid"))]),
            }),
            new("user", [new("jid", Jid.Parse("5511900000000@s.whatsapp.net"))], new Node("contact", [new("type", "out")], "+5511900000000")),
        })));

        var results = UsyncContacts.Parse(answer);

        Assert.Equal(2, results.Count);
        Assert.Equal(new OnWhatsAppResult("5531987654321", Jid.Parse("553187654321@s.whatsapp.net"), true, Jid.Parse("100000000000001@lid")), results[0]);
        Assert.False(results[1].Exists);
        Assert.Equal("5511900000000", results[1].Query);
    }
}
