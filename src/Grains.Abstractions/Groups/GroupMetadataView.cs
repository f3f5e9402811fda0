namespace CodeChat.Grains.Abstractions.Groups;

/// <summary>
/// A group as the API and the group events show it: Baileys 7's <c>GroupMetadata</c> field names
/// (codechat-api.md §6), with the phone JID beside every LID-addressed person and the LID beside
/// every phone-addressed one (api-contract.md §3). Times are Unix seconds.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.GroupMetadataView")]
[Immutable]
public sealed record GroupMetadataView(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Subject,
    [property: Id(2)] string? SubjectOwner,
    [property: Id(3)] string? SubjectOwnerPn,
    [property: Id(4)] long? SubjectTime,
    [property: Id(5)] string? Owner,
    [property: Id(6)] string? OwnerPn,
    [property: Id(7)] long? Creation,
    [property: Id(8)] string? Desc,
    [property: Id(9)] string? DescId,
    [property: Id(10)] string? DescOwner,
    [property: Id(11)] string? DescOwnerPn,
    [property: Id(12)] long? DescTime,
    [property: Id(13)] bool Restrict,
    [property: Id(14)] bool Announce,
    [property: Id(15)] bool IsCommunity,
    [property: Id(16)] bool IsCommunityAnnounce,
    [property: Id(17)] bool JoinApprovalMode,
    [property: Id(18)] bool MemberAddMode,
    [property: Id(19)] int? EphemeralDuration,
    [property: Id(20)] int Size,
    [property: Id(21)] string AddressingMode,
    [property: Id(22)] IReadOnlyList<GroupParticipantView> Participants);

/// <summary>One participant: <see cref="Id"/> in the group's addressing, both forms when known, and <c>admin</c> / <c>superadmin</c> / null.</summary>
[GenerateSerializer]
[Alias("CodeChat.GroupParticipantView")]
[Immutable]
public sealed record GroupParticipantView(
    [property: Id(0)] string Id,
    [property: Id(1)] string? PhoneNumber,
    [property: Id(2)] string? Lid,
    [property: Id(3)] string? Admin);

/// <summary>
/// The answer for one participant of an add/remove/promote/demote: <see cref="Status"/> "200" when it
/// took effect, else WhatsApp's code (403 an invite is needed, 404 unknown / not a member, 409 already
/// a member); <see cref="InviteCode"/> when WhatsApp made an invite instead of adding.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.GroupParticipantUpdateView")]
[Immutable]
public sealed record GroupParticipantUpdateView(
    [property: Id(0)] string Status,
    [property: Id(1)] string Jid,
    [property: Id(2)] string? PhoneNumber,
    [property: Id(3)] string? Lid,
    [property: Id(4)] string? InviteCode,
    [property: Id(5)] long? InviteExpiration);
