using System.Text;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Groups;

/// <summary>
/// Reads the group answers (whatsapp-protocol.md §10.1). Field meanings from Baileys 7
/// (lib/Socket/groups.js <c>extractGroupMetadata</c>, <c>groupParticipantsUpdate</c>) and whatsmeow
/// group.go (<c>parseGroupNode</c>, <c>parseParticipantList</c>): <c>&lt;group id subject s_o s_t creator
/// creation addressing_mode size&gt;</c> with <c>participant</c> (<c>jid</c>, <c>lid</c> or <c>phone_number</c>,
/// <c>type</c>), <c>description</c> (<c>id participant t</c>, <c>&lt;body&gt;</c>), <c>announcement</c>,
/// <c>locked</c>, <c>ephemeral expiration</c>, <c>membership_approval_mode</c>, <c>member_add_mode</c>,
/// <c>parent</c>, <c>default_sub_group</c>.
/// </summary>
public static class GroupNodeParser
{
    /// <summary>The <c>&lt;group&gt;</c> inside an iq answer or a create notification.</summary>
    /// <exception cref="WaBinaryException">There is no group, or it has no id.</exception>
    public static GroupMetadata ParseAnswer(Node answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var group = answer.Tag == "group" ? answer : answer.GetChild("group") ?? throw new WaBinaryException("The group answer has no <group>.");
        return Parse(group);
    }

    /// <summary>Every group of a <c>participating</c> answer (<c>&lt;groups&gt;&lt;group/&gt;…</c>).</summary>
    public static IReadOnlyList<GroupMetadata> ParseParticipating(Node answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer.GetChild("groups") is { } groups ? groups.GetChildren("group").Select(Parse).ToList() : [];
    }

    /// <exception cref="WaBinaryException">The node has no id.</exception>
    public static GroupMetadata Parse(Node group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var id = group.GetAttribute("id") ?? throw new WaBinaryException("The group has no id.");
        var jid = id.Contains('@', StringComparison.Ordinal) ? Jid.Parse(id) : new Jid(id, JidServers.Group);
        var participants = group.GetChildren("participant").Select(ParseMember).OfType<GroupMember>().ToList();
        var description = group.GetChild("description") is { } descriptionNode && descriptionNode.GetAttribute("id") is { } descriptionId
            ? new GroupDescriptionText(
                descriptionId,
                descriptionNode.GetChild("body") is { } body ? Text(body) : null,
                descriptionNode.GetJid("participant")?.ToNonAd(),
                descriptionNode.GetJid("participant_pn")?.ToNonAd(),
                descriptionNode.GetUnixTime("t"))
            : null;
        return new GroupMetadata(
            jid,
            group.GetAttribute("subject"),
            group.GetJid("s_o")?.ToNonAd(),
            group.GetJid("s_o_pn")?.ToNonAd(),
            group.GetUnixTime("s_t"),
            group.GetJid("creator")?.ToNonAd(),
            group.GetJid("creator_pn")?.ToNonAd(),
            group.GetUnixTime("creation"),
            description,
            IsAnnouncement: group.HasChild("announcement"),
            IsLocked: group.HasChild("locked"),
            IsCommunity: group.HasChild("parent"),
            IsCommunityAnnounce: group.HasChild("default_sub_group"),
            JoinApprovalRequired: group.HasChild("membership_approval_mode"),
            MembersCanAdd: group.GetChild("member_add_mode") is { } addMode && Text(addMode) == "all_member_add",
            EphemeralSeconds: group.GetChild("ephemeral")?.GetInt32("expiration"),
            Size: group.GetInt32("size") ?? participants.Count,
            IsLidAddressed: group.GetAttribute("addressing_mode") == "lid",
            participants);
    }

    /// <summary>One <c>&lt;participant&gt;</c>; null when it has no usable jid.</summary>
    public static GroupMember? ParseMember(Node participant)
    {
        ArgumentNullException.ThrowIfNull(participant);
        if (participant.GetJid("jid") is not { } jid)
        {
            return null;
        }
        var role = participant.GetAttribute("type") switch
        {
            "superadmin" => GroupRole.SuperAdmin,
            "admin" => GroupRole.Admin,
            _ => GroupRole.Member,
        };
        var lid = jid.IsLid ? jid : participant.GetJid("lid") is { IsLid: true } l ? l : (Jid?)null;
        var pn = jid.IsUserPn ? jid : participant.GetJid("phone_number") is { IsUserPn: true } p ? p : (Jid?)null;
        return new GroupMember(jid.ToNonAd(), lid?.ToNonAd(), pn?.ToNonAd(), role);
    }

    /// <summary>
    /// The per-participant results of an add/remove/promote/demote answer
    /// (<c>&lt;add&gt;&lt;participant jid error?&gt;…</c>): no <c>error</c> means 200 (Baileys: <c>error || '200'</c>).
    /// </summary>
    public static IReadOnlyList<GroupParticipantResult> ParseParticipantResults(Node answer, GroupParticipantAction action)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.GetChild(GroupIqs.ActionTag(action)) is not { } results)
        {
            return [];
        }
        var list = new List<GroupParticipantResult>();
        foreach (var participant in results.GetChildren("participant"))
        {
            if (participant.GetJid("jid") is not { } jid)
            {
                continue;
            }
            var addRequest = participant.GetChild("add_request") is { } request && request.GetAttribute("code") is { } code
                ? new GroupAddRequest(code, request.GetUnixTime("expiration"))
                : null;
            list.Add(new GroupParticipantResult(
                jid.ToNonAd(),
                participant.GetInt32("error") ?? 200,
                jid.IsLid ? jid.ToNonAd() : participant.GetJid("lid")?.ToNonAd(),
                jid.IsUserPn ? jid.ToNonAd() : participant.GetJid("phone_number")?.ToNonAd(),
                addRequest));
        }
        return list;
    }

    /// <summary>The code of an <c>&lt;invite code/&gt;</c> answer.</summary>
    /// <exception cref="WaBinaryException">The answer has no code.</exception>
    public static string ParseInviteCode(Node answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer.GetChild("invite")?.GetAttribute("code") ?? throw new WaBinaryException("The invite answer has no code.");
    }

    /// <summary>The group an accepted invite joined (<c>&lt;group jid/&gt;</c>).</summary>
    /// <exception cref="WaBinaryException">The answer names no group.</exception>
    public static Jid ParseJoinedGroup(Node answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer.GetChild("group")?.GetJid("jid")?.ToNonAd() ?? throw new WaBinaryException("The join answer names no group.");
    }

    /// <summary>The per-group results of a leave: the group's error code, or null when we left it.</summary>
    public static int? ParseLeaveError(Node answer, Jid group)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var left = answer.GetChild("leave")?.GetChildren("group").FirstOrDefault(g => IdMatches(g.GetAttribute("id"), group));
        return left?.GetInt32("error");
    }

    internal static string Text(Node node) => node.Bytes is { } bytes
        ? Encoding.UTF8.GetString(bytes.Span)
        : node.Content.Text ?? "";

    private static bool IdMatches(string? id, Jid group) =>
        id is not null && (id == group.ToString() || id == group.User);
}
