using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Groups;

/// <summary>
/// Reads group notifications (whatsapp-protocol.md §10.2). Tags and attributes from whatsmeow
/// notification.go / group.go (<c>parseGroupChange</c>, <c>parsePictureNotification</c>) and Baileys 7
/// messages-recv.js <c>handleGroupNotification</c>: the actor is the notification's <c>participant</c>
/// (with <c>participant_pn</c> / <c>participant_lid</c> for the other addressing), each child one change;
/// a <c>remove</c> whose only participant is the actor is a leave.
/// </summary>
public static class GroupNotificationParser
{
    /// <summary>True for the notifications <see cref="Parse"/> reads: <c>w:gp2</c>, and <c>picture</c> from a group.</summary>
    public static bool IsGroupNotification(Node notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return notification.GetAttribute("type") is "w:gp2" or "picture" && notification.GetJid("from") is { IsGroup: true };
    }

    /// <exception cref="WaBinaryException">The notification names no group or has no id.</exception>
    public static GroupNotification Parse(Node notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var group = notification.GetJid("from") is { IsGroup: true } from ? from.ToNonAd() : throw new WaBinaryException("The group notification names no group.");
        var id = notification.GetRequiredAttribute("id");
        var author = notification.GetJid("participant")?.ToNonAd();
        var authorPn = author is { IsUserPn: true } ? author : notification.GetJid("participant_pn")?.ToNonAd();
        var authorLid = author is { IsLid: true } ? author : notification.GetJid("participant_lid")?.ToNonAd();
        var changes = new List<GroupChange>();
        var isPicture = notification.GetAttribute("type") == "picture";
        foreach (var child in notification.Children)
        {
            if ((isPicture ? ParsePicture(child) : ParseChange(child, author, authorPn, authorLid)) is { } change)
            {
                changes.Add(change);
            }
        }
        return new GroupNotification(id, group, author, authorPn, authorLid, notification.GetUnixTime("t"), changes);
    }

    private static GroupChange? ParsePicture(Node child) => child.Tag switch
    {
        "set" => new GroupPictureChange(child.GetAttribute("id")),
        "delete" => new GroupPictureChange(null),
        _ => null,
    };

    private static GroupChange? ParseChange(Node child, Jid? author, Jid? authorPn, Jid? authorLid)
    {
        switch (child.Tag)
        {
            case "create":
                return child.GetChild("group") is { } created ? new GroupAppearedChange(GroupNodeParser.Parse(created), Created: true) : null;
            case "add" or "remove" or "promote" or "demote" or "leave":
                var participants = child.GetChildren("participant").Select(GroupNodeParser.ParseMember).OfType<GroupMember>().ToList();
                var action = child.Tag switch
                {
                    "add" => GroupParticipantAction.Add,
                    "promote" => GroupParticipantAction.Promote,
                    "demote" => GroupParticipantAction.Demote,
                    _ => GroupParticipantAction.Remove,
                };
                var isLeave = child.Tag == "leave" || (child.Tag == "remove" && participants.Count == 1
                    && ((author is { } a && participants[0].Is(a)) || (authorPn is { } p && participants[0].Is(p)) || (authorLid is { } l && participants[0].Is(l))));
                return new GroupParticipantsChange(action, participants, child.GetAttribute("reason"), isLeave);
            case "subject":
                return new GroupSubjectChange(child.GetAttribute("subject") ?? GroupNodeParser.Text(child), child.GetJid("s_o")?.ToNonAd(), child.GetUnixTime("s_t"));
            case "description":
                return child.HasChild("delete") || child.GetAttribute("delete") == "true"
                    ? new GroupDescriptionChange(child.GetAttribute("id"), null)
                    : new GroupDescriptionChange(child.GetAttribute("id"), child.GetChild("body") is { } body ? GroupNodeParser.Text(body) : "");
            case "announcement":
                return new GroupSettingChange(GroupSetting.Announcement);
            case "not_announcement":
                return new GroupSettingChange(GroupSetting.NotAnnouncement);
            case "locked":
                return new GroupSettingChange(GroupSetting.Locked);
            case "unlocked":
                return new GroupSettingChange(GroupSetting.Unlocked);
            case "ephemeral":
                return new GroupEphemeralChange(child.GetInt32("expiration") ?? 0);
            case "not_ephemeral":
                return new GroupEphemeralChange(0);
            case "invite":
                return child.GetAttribute("code") is { } code ? new GroupInviteChange(code) : null;
            default:
                return null;
        }
    }
}
