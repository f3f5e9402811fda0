using CodeChat.Grains.Abstractions.Groups;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Groups;

namespace CodeChat.Grains.Groups;

/// <summary>The protocol library's group types as the API and events show them (<see cref="GroupMetadataView"/>).</summary>
public static class GroupViews
{
    public static GroupMetadataView From(GroupMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new GroupMetadataView(
            metadata.Jid.ToString(),
            metadata.Subject,
            Text(metadata.SubjectOwner),
            Text(metadata.SubjectOwnerPhoneNumber ?? PhoneOf(metadata, metadata.SubjectOwner)),
            metadata.SubjectTime?.ToUnixTimeSeconds(),
            Text(metadata.Creator),
            Text(metadata.CreatorPhoneNumber ?? PhoneOf(metadata, metadata.Creator)),
            metadata.Creation?.ToUnixTimeSeconds(),
            metadata.Description?.Body,
            metadata.Description?.Id,
            Text(metadata.Description?.Owner),
            Text(metadata.Description?.OwnerPhoneNumber ?? PhoneOf(metadata, metadata.Description?.Owner)),
            metadata.Description?.Time?.ToUnixTimeSeconds(),
            Restrict: metadata.IsLocked,
            Announce: metadata.IsAnnouncement,
            metadata.IsCommunity,
            metadata.IsCommunityAnnounce,
            metadata.JoinApprovalRequired,
            metadata.MembersCanAdd,
            metadata.EphemeralSeconds,
            metadata.Size,
            metadata.IsLidAddressed ? "lid" : "pn",
            metadata.Participants.Select(From).ToList());
    }

    public static GroupParticipantView From(GroupMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new GroupParticipantView(
            member.Jid.ToString(),
            Text(member.PhoneNumber),
            Text(member.Lid),
            member.Role switch
            {
                GroupRole.SuperAdmin => "superadmin",
                GroupRole.Admin => "admin",
                _ => null,
            });
    }

    public static GroupParticipantUpdateView From(GroupParticipantResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new GroupParticipantUpdateView(
            result.Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
            result.Jid.ToString(),
            Text(result.PhoneNumber),
            Text(result.Lid),
            result.AddRequest?.Code,
            result.AddRequest?.Expiration?.ToUnixTimeSeconds());
    }

    /// <summary>The phone JID of a LID-addressed person, from the participant list.</summary>
    private static Jid? PhoneOf(GroupMetadata metadata, Jid? person) =>
        person is { IsLid: true } lid ? metadata.Participants.FirstOrDefault(p => p.Is(lid))?.PhoneNumber : null;

    private static string? Text(Jid? jid) => jid?.ToString();
}
