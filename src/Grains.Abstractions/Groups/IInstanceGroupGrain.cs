using Orleans.Concurrency;

namespace CodeChat.Grains.Abstractions.Groups;

/// <summary>
/// An instance's groups, keyed by the instance name: the same grain as <c>IInstanceGrain</c>, seen through
/// what a client does with groups (codechat-api.md §6). Every call waits on WhatsApp, so all run
/// interleaved and never hold the turn an incoming message or notification needs. Groups are named by
/// their JID (<c>…@g.us</c>); participants by phone number or JID.
/// </summary>
[Alias("CodeChat.IInstanceGroupGrain")]
public interface IInstanceGroupGrain : IGrainWithStringKey
{
    /// <summary>Creates a group, then sets its description when one is given; <c>group.upsert</c> is recorded before the answer.</summary>
    [Alias("CreateGroup")]
    [AlwaysInterleave]
    Task<GroupResult<GroupMetadataView>> CreateGroupAsync(string subject, IReadOnlyList<string> participants, string? description, CancellationToken cancellationToken = default);

    [Alias("FindGroup")]
    [AlwaysInterleave]
    Task<GroupResult<GroupMetadataView>> FindGroupAsync(string groupJid, CancellationToken cancellationToken = default);

    [Alias("FindAllGroups")]
    [AlwaysInterleave]
    Task<GroupResult<IReadOnlyList<GroupMetadataView>>> FindAllGroupsAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds, removes, promotes or demotes; one status per participant (200 when it took effect).</summary>
    [Alias("UpdateParticipants")]
    [AlwaysInterleave]
    Task<GroupResult<IReadOnlyList<GroupParticipantUpdateView>>> UpdateParticipantsAsync(
        string groupJid, GroupParticipantCommand action, IReadOnlyList<string> participants, CancellationToken cancellationToken = default);

    /// <summary>The invite code; with <paramref name="revoke"/> the old one stops working and the new one is returned.</summary>
    [Alias("InviteCode")]
    [AlwaysInterleave]
    Task<GroupResult<string>> GetInviteCodeAsync(string groupJid, bool revoke, CancellationToken cancellationToken = default);

    /// <summary>Joins the group of an invite code (or link); the group's JID.</summary>
    [Alias("AcceptInvite")]
    [AlwaysInterleave]
    Task<GroupResult<string>> AcceptInviteAsync(string inviteCode, CancellationToken cancellationToken = default);

    /// <summary>The group an invite code leads to, without joining.</summary>
    [Alias("InviteInfo")]
    [AlwaysInterleave]
    Task<GroupResult<GroupMetadataView>> GetInviteInfoAsync(string inviteCode, CancellationToken cancellationToken = default);

    [Alias("LeaveGroup")]
    [AlwaysInterleave]
    Task<GroupResult<bool>> LeaveGroupAsync(string groupJid, CancellationToken cancellationToken = default);

    /// <summary>Changes the subject, description, a setting, the disappearing-messages timer or the picture.</summary>
    [Alias("UpdateGroup")]
    [AlwaysInterleave]
    Task<GroupResult<bool>> UpdateGroupAsync(string groupJid, GroupUpdateCommand update, CancellationToken cancellationToken = default);
}
