using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Groups;

namespace CodeChat.WhatsApp.Client;

// Concern: asking about groups and joining / leaving them (whatsapp-protocol.md §10.1; Baileys 7
// groups.js groupMetadata, groupFetchAllParticipating, groupCreate, groupLeave, groupInviteCode,
// groupRevokeInvite, groupAcceptInvite, groupGetInviteInfo; whatsmeow group.go). Every method throws
// WaIqException with the server's code when it refuses (401 not an admin, 403 not a participant,
// 404 no such group, 406 / 410 bad or revoked invite code) and WaClientException when not connected.
public sealed partial class WaClient
{
    /// <summary>The full metadata of a group we are in; the participants' LID↔PN pairs are learnt on the way.</summary>
    public async Task<GroupMetadata> GetGroupMetadataAsync(Jid group, CancellationToken cancellationToken = default)
    {
        RequireGroup(group);
        var metadata = GroupNodeParser.ParseAnswer(await SendIqAsync(GroupIqs.Metadata(group.ToNonAd()), cancellationToken).ConfigureAwait(false));
        await LearnGroupMappingsAsync(metadata, cancellationToken).ConfigureAwait(false);
        return metadata;
    }

    /// <summary>Every group the account is in.</summary>
    public async Task<IReadOnlyList<GroupMetadata>> GetJoinedGroupsAsync(CancellationToken cancellationToken = default)
    {
        var groups = GroupNodeParser.ParseParticipating(await SendIqAsync(GroupIqs.Participating(), cancellationToken).ConfigureAwait(false));
        foreach (var group in groups)
        {
            await LearnGroupMappingsAsync(group, cancellationToken).ConfigureAwait(false);
        }
        return groups;
    }

    /// <summary>Creates a group with us as its super admin and <paramref name="participants"/> as members.</summary>
    public async Task<GroupMetadata> CreateGroupAsync(string subject, IReadOnlyCollection<Jid> participants, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentNullException.ThrowIfNull(participants);
        var own = Credentials?.GetJid() ?? throw new WaClientException("Not paired.");
        var key = MessageIds.Generate(own, _time.GetUtcNow());
        var metadata = GroupNodeParser.ParseAnswer(await SendIqAsync(GroupIqs.Create(subject, participants.Select(p => p.ToNonAd()), key), cancellationToken).ConfigureAwait(false));
        await LearnGroupMappingsAsync(metadata, cancellationToken).ConfigureAwait(false);
        return metadata;
    }

    /// <summary>Leaves a group; our sender key there is dropped with it.</summary>
    public async Task LeaveGroupAsync(Jid group, CancellationToken cancellationToken = default)
    {
        RequireGroup(group);
        var answer = await SendIqAsync(GroupIqs.Leave(group.ToNonAd()), cancellationToken).ConfigureAwait(false);
        if (GroupNodeParser.ParseLeaveError(answer, group.ToNonAd()) is { } error)
        {
            throw new WaIqException(error, "leave refused");
        }
        ForgetGroupParticipants(group);
        await RotateOwnSenderKeyAsync(group.ToNonAd(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The group's current invite link code (admins only).</summary>
    public async Task<string> GetGroupInviteCodeAsync(Jid group, CancellationToken cancellationToken = default)
    {
        RequireGroup(group);
        return GroupNodeParser.ParseInviteCode(await SendIqAsync(GroupIqs.InviteCode(group.ToNonAd()), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Invalidates the invite link and returns the new code (admins only).</summary>
    public async Task<string> RevokeGroupInviteCodeAsync(Jid group, CancellationToken cancellationToken = default)
    {
        RequireGroup(group);
        return GroupNodeParser.ParseInviteCode(await SendIqAsync(GroupIqs.RevokeInviteCode(group.ToNonAd()), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Joins the group of an invite link code; returns the group.</summary>
    public async Task<Jid> JoinGroupWithInviteAsync(string code, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        return GroupNodeParser.ParseJoinedGroup(await SendIqAsync(GroupIqs.AcceptInvite(code), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>What an invite link code leads to, without joining.</summary>
    public async Task<GroupMetadata> GetGroupInviteInfoAsync(string code, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        return GroupNodeParser.ParseAnswer(await SendIqAsync(GroupIqs.InviteInfo(code), cancellationToken).ConfigureAwait(false));
    }

    private async Task LearnGroupMappingsAsync(GroupMetadata metadata, CancellationToken cancellationToken)
    {
        foreach (var participant in metadata.Participants)
        {
            if (participant.Lid is { } lid && participant.PhoneNumber is { } pn)
            {
                await LearnLidMappingAsync(lid, pn, cancellationToken).ConfigureAwait(false);
            }
        }
        RememberGroupParticipants(metadata);
    }

    private static void RequireGroup(Jid group)
    {
        if (!group.IsGroup)
        {
            throw new ArgumentException($"'{group}' is not a group.", nameof(group));
        }
    }
}
