using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Groups;

/// <summary>A participant's standing in a group; on the wire <c>type="admin"</c> / <c>"superadmin"</c>, members carry none.</summary>
public enum GroupRole
{
    Member,
    Admin,
    SuperAdmin,
}

/// <summary>
/// One participant: <paramref name="Jid"/> in the group's addressing, and both forms when the server
/// told them (PN groups add <c>lid</c>, LID groups add <c>phone_number</c>).
/// </summary>
public sealed record GroupMember(Jid Jid, Jid? Lid, Jid? PhoneNumber, GroupRole Role = GroupRole.Member)
{
    public bool IsAdmin => Role is GroupRole.Admin or GroupRole.SuperAdmin;

    /// <summary>True when <paramref name="user"/> is this participant under either of its addresses.</summary>
    public bool Is(Jid user) =>
        Jid.IsSameUserAs(user) || (Lid is { } lid && lid.IsSameUserAs(user)) || (PhoneNumber is { } pn && pn.IsSameUserAs(user));
}

/// <summary>The group description and who wrote it; <see cref="Id"/> is what the next change names as <c>prev</c>.</summary>
public sealed record GroupDescriptionText(string Id, string? Body, Jid? Owner, Jid? OwnerPhoneNumber, DateTimeOffset? Time);

/// <summary>
/// A group as the <c>w:g2</c> metadata answer describes it (the <c>&lt;group&gt;</c> node; field set from
/// Baileys 7 <c>extractGroupMetadata</c> and whatsmeow <c>parseGroupNode</c>).
/// </summary>
public sealed record GroupMetadata(
    Jid Jid,
    string? Subject,
    Jid? SubjectOwner,
    Jid? SubjectOwnerPhoneNumber,
    DateTimeOffset? SubjectTime,
    Jid? Creator,
    Jid? CreatorPhoneNumber,
    DateTimeOffset? Creation,
    GroupDescriptionText? Description,
    bool IsAnnouncement,
    bool IsLocked,
    bool IsCommunity,
    bool IsCommunityAnnounce,
    bool JoinApprovalRequired,
    bool MembersCanAdd,
    int? EphemeralSeconds,
    int Size,
    bool IsLidAddressed,
    IReadOnlyList<GroupMember> Participants);

/// <summary>The four participant changes an admin can ask for (the child tag of the iq).</summary>
public enum GroupParticipantAction
{
    Add,
    Remove,
    Promote,
    Demote,
}

/// <summary>The two group settings with a toggle: who may send (announcement) and who may edit the info (locked).</summary>
public enum GroupSetting
{
    Announcement,
    NotAnnouncement,
    Locked,
    Unlocked,
}

/// <summary>
/// The server's answer for one participant of an add/remove/promote/demote: <paramref name="Status"/> is
/// 200 when it took effect, else the per-participant error code (403 the user's privacy needs an invite,
/// 404 not on WhatsApp / not a member, 409 already a member…). <paramref name="AddRequest"/> is the invite
/// the server made instead of adding (a 403 with <c>&lt;add_request code expiration&gt;</c>).
/// </summary>
public sealed record GroupParticipantResult(Jid Jid, int Status, Jid? Lid, Jid? PhoneNumber, GroupAddRequest? AddRequest);

/// <summary>An invite the server offers instead of adding someone directly.</summary>
public sealed record GroupAddRequest(string Code, DateTimeOffset? Expiration);
