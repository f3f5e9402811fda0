using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

/// <summary>One group participant: its JID in the group's addressing and, when the server tells it, the other form.</summary>
public sealed record GroupParticipant(Jid Jid, Jid? Lid, Jid? PhoneNumber);

/// <summary>A group as the metadata query returns it: its JID, subject and current participants.</summary>
public sealed record GroupInfo(Jid Jid, string? Subject, IReadOnlyList<GroupParticipant> Participants);

/// <summary>
/// The group metadata query a group send needs for its participant list (whatsapp-protocol.md §10.1;
/// whatsmeow <c>getGroupInfo</c>: <c>&lt;iq xmlns="w:g2" type="get" to="group"&gt;&lt;query request="interactive"/&gt;</c>).
/// Participants carry <c>jid</c> and, in PN groups, <c>lid</c>; in LID groups <c>phone_number</c>.
/// </summary>
public static class GroupParticipantNodes
{
    public static Node Query(Jid group) =>
        new("iq", [new("xmlns", "w:g2"), new("type", "get"), new("to", group)], new Node("query", [new("request", "interactive")]));

    /// <summary>The group's subject (the <c>subject</c> attribute of <c>&lt;group&gt;</c>), when the answer has one.</summary>
    public static string? Subject(Node response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.GetChild("group")?.GetAttribute("subject");
    }

    /// <exception cref="WaBinaryException">The answer has no group.</exception>
    public static IReadOnlyList<GroupParticipant> Parse(Node response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var group = response.GetChild("group") ?? throw new WaBinaryException("The group answer has no <group>.");
        var participants = new List<GroupParticipant>();
        foreach (var participant in group.GetChildren("participant"))
        {
            if (participant.GetJid("jid") is not { } jid)
            {
                continue;
            }
            var lid = jid.IsLid ? jid : participant.GetJid("lid");
            var phoneNumber = jid.IsUserPn ? jid : participant.GetJid("phone_number");
            participants.Add(new GroupParticipant(jid.ToNonAd(), lid?.ToNonAd(), phoneNumber?.ToNonAd()));
        }
        return participants;
    }
}
