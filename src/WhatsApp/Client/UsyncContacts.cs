using System.Text;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

/// <summary>One phone number's answer to the "on WhatsApp" query.</summary>
/// <param name="Query">The number as asked, digits only.</param>
/// <param name="Jid">The account's phone-number JID as WhatsApp names it (the Brazilian ninth digit settled), or the asked number's JID when not on WhatsApp.</param>
/// <param name="Exists">True when the number has a WhatsApp account.</param>
/// <param name="Lid">The account's LID, when the server told it.</param>
public sealed record OnWhatsAppResult(string Query, Jid Jid, bool Exists, Jid? Lid);

/// <summary>
/// The contact usync that tells whether phone numbers have WhatsApp accounts (whatsmeow user.go
/// <c>IsOnWhatsApp</c>; Baileys 7 <c>onWhatsApp</c> with <c>USyncContactProtocol</c>): context
/// <c>interactive</c>, <c>&lt;query&gt;&lt;contact/&gt;&lt;lid/&gt;&lt;/query&gt;</c>, one
/// <c>&lt;user&gt;&lt;contact&gt;+digits&lt;/contact&gt;&lt;/user&gt;</c> per number. Each answer's
/// <c>&lt;contact type="in|out"&gt;</c> says whether the account exists (Baileys' parser: <c>type === 'in'</c>),
/// its <c>jid</c> attribute names the account and its <c>&lt;lid val&gt;</c> the LID.
/// </summary>
public static class UsyncContacts
{
    public static Node Query(IEnumerable<string> phoneDigits, string sid)
    {
        ArgumentNullException.ThrowIfNull(phoneDigits);
        ArgumentException.ThrowIfNullOrEmpty(sid);
        var users = phoneDigits.Distinct(StringComparer.Ordinal).Select(digits => new Node("user", default, new Node("contact", default, "+" + digits)));
        return ClientNodes.Iq("usync", "get", new Node(
            "usync",
            [new("sid", sid), new("mode", "query"), new("last", "true"), new("index", "0"), new("context", "interactive")],
            new Node[]
            {
                new("query", default, new Node[] { new("contact"), new("lid") }),
                new("list", default, NodeContent.FromChildren(users)),
            }));
    }

    /// <exception cref="WaBinaryException">The answer has no usync list.</exception>
    public static IReadOnlyList<OnWhatsAppResult> Parse(Node response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var list = response.GetChild("usync")?.GetChild("list") ?? throw new WaBinaryException("The usync answer has no <list>.");
        var results = new List<OnWhatsAppResult>();
        foreach (var user in list.GetChildren("user"))
        {
            if (user.GetChild("contact") is not { } contact)
            {
                continue;
            }
            var query = ContactText(contact).TrimStart('+');
            Jid jid;
            if (Jid.TryParse(user.GetAttribute("jid"), out var answered) && answered.IsUserPn)
            {
                jid = answered.ToNonAd();
            }
            else if (query.Length > 0 && query.All(char.IsAsciiDigit))
            {
                jid = new Jid(query, JidServers.User);
            }
            else
            {
                continue;
            }
            var lid = user.GetChild("lid")?.GetJid("val") is { IsLid: true } val ? val.ToNonAd() : (Jid?)null;
            results.Add(new OnWhatsAppResult(query.Length > 0 ? query : jid.User, jid, contact.GetAttribute("type") == "in", lid));
        }
        return results;
    }

    private static string ContactText(Node contact) => contact.Content.Kind switch
    {
        NodeContentKind.Bytes => Encoding.UTF8.GetString(contact.Content.Bytes.Span),
        _ => contact.Content.Text ?? "",
    };
}
