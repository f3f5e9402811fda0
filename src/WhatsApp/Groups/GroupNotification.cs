using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Groups;

/// <summary>
/// A group change the server announced (a <c>w:gp2</c> notification, or a <c>picture</c> notification
/// from a group): the acting participant in both addressings when known, and the changes it carries.
/// <see cref="Id"/> is the notification's id, stable when the server delivers it again.
/// </summary>
public sealed record GroupNotification(
    string Id,
    Jid Group,
    Jid? Author,
    Jid? AuthorPhoneNumber,
    Jid? AuthorLid,
    DateTimeOffset? Timestamp,
    IReadOnlyList<GroupChange> Changes);

/// <summary>One change inside a group notification.</summary>
public abstract record GroupChange;

/// <summary>
/// The group appeared for us: created (<c>&lt;create&gt;</c>, metadata included) or we were added / joined
/// (the client fetched the metadata). <paramref name="Created"/> tells which.
/// </summary>
public sealed record GroupAppearedChange(GroupMetadata Metadata, bool Created) : GroupChange;

/// <summary>
/// Participants were added, removed, promoted or demoted. A member leaving shows up as a remove of
/// itself (<see cref="IsLeave"/>); <paramref name="Reason"/> is the server's, e.g. <c>invite</c> for a join by link.
/// </summary>
public sealed record GroupParticipantsChange(GroupParticipantAction Action, IReadOnlyList<GroupMember> Participants, string? Reason, bool IsLeave) : GroupChange;

public sealed record GroupSubjectChange(string Subject, Jid? Owner, DateTimeOffset? Time) : GroupChange;

/// <summary>The description was set (<paramref name="Body"/>) or deleted (null).</summary>
public sealed record GroupDescriptionChange(string? Id, string? Body) : GroupChange;

public sealed record GroupSettingChange(GroupSetting Setting) : GroupChange;

/// <summary>Disappearing messages set to <paramref name="Seconds"/> (0 = off).</summary>
public sealed record GroupEphemeralChange(int Seconds) : GroupChange;

/// <summary>The invite link was reset to <paramref name="Code"/>.</summary>
public sealed record GroupInviteChange(string Code) : GroupChange;

/// <summary>The group picture was set (<paramref name="PictureId"/>) or removed (null).</summary>
public sealed record GroupPictureChange(string? PictureId) : GroupChange;
