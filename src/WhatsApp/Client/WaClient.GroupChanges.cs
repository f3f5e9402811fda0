using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Groups;

namespace CodeChat.WhatsApp.Client;

// Concern: changing a group (whatsapp-protocol.md §10.1; Baileys 7 groups.js groupParticipantsUpdate,
// groupUpdateSubject, groupUpdateDescription, groupSettingUpdate, groupToggleEphemeral; chats.js
// updateProfilePicture for the picture). The server answers the actor and announces each change
// to every member with a w:gp2 notification (WaClient.GroupNotifications.cs).
public sealed partial class WaClient
{
    /// <summary>
    /// Adds, removes, promotes or demotes participants; the answer holds one status per participant
    /// (200 done, else the server's code). A refusal of the whole iq (401 not an admin) throws.
    /// </summary>
    public async Task<IReadOnlyList<GroupParticipantResult>> UpdateGroupParticipantsAsync(
        Jid group, GroupParticipantAction action, IReadOnlyCollection<Jid> participants, CancellationToken cancellationToken = default)
    {
        RequireGroup(group);
        ArgumentNullException.ThrowIfNull(participants);
        var answer = await SendIqAsync(GroupIqs.UpdateParticipants(group.ToNonAd(), action, participants.Select(p => p.ToNonAd())), cancellationToken).ConfigureAwait(false);
        var results = GroupNodeParser.ParseParticipantResults(answer, action);
        ForgetGroupParticipants(group);
        if (action == GroupParticipantAction.Remove && results.Any(r => r.Status == 200))
        {
            // Those removed hold our current sender key: the next send must use a new one.
            await RotateOwnSenderKeyAsync(group.ToNonAd(), cancellationToken).ConfigureAwait(false);
        }
        return results;
    }

    public async Task SetGroupSubjectAsync(Jid group, string subject, CancellationToken cancellationToken = default)
    {
        RequireGroup(group);
        ArgumentException.ThrowIfNullOrEmpty(subject);
        await SendIqAsync(GroupIqs.Subject(group.ToNonAd(), subject), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets the description, or deletes it when <paramref name="description"/> is null or empty. The
    /// current description id is read first and named as <c>prev</c> (the server refuses a stale one with 409).
    /// </summary>
    public async Task SetGroupDescriptionAsync(Jid group, string? description, CancellationToken cancellationToken = default)
    {
        var current = await GetGroupMetadataAsync(group, cancellationToken).ConfigureAwait(false);
        var own = Credentials?.GetJid() ?? throw new WaClientException("Not paired.");
        var newId = MessageIds.Generate(own, _time.GetUtcNow());
        await SendIqAsync(GroupIqs.Description(group.ToNonAd(), description, current.Description?.Id, newId), cancellationToken).ConfigureAwait(false);
    }

    public async Task SetGroupSettingAsync(Jid group, GroupSetting setting, CancellationToken cancellationToken = default)
    {
        RequireGroup(group);
        await SendIqAsync(GroupIqs.Setting(group.ToNonAd(), setting), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disappearing messages after <paramref name="seconds"/> (0 turns them off).</summary>
    public async Task SetGroupEphemeralAsync(Jid group, int seconds, CancellationToken cancellationToken = default)
    {
        RequireGroup(group);
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        await SendIqAsync(GroupIqs.Ephemeral(group.ToNonAd(), seconds), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets the group picture from a JPEG; returns the picture id the server gave it, when it says.</summary>
    public async Task<string?> SetGroupPictureAsync(Jid group, ReadOnlyMemory<byte> jpeg, CancellationToken cancellationToken = default)
    {
        RequireGroup(group);
        if (jpeg.IsEmpty)
        {
            throw new ArgumentException("The picture is empty.", nameof(jpeg));
        }
        var answer = await SendIqAsync(GroupIqs.Picture(group.ToNonAd(), jpeg), cancellationToken).ConfigureAwait(false);
        return answer.GetChild("picture")?.GetAttribute("id");
    }
}
