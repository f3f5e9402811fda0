using CodeChat.Grains.Abstractions.Groups;
using CodeChat.Grains.Events;
using CodeChat.Grains.Groups;
using CodeChat.Grains.Messages;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Groups;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.Instances;

/// <summary>
/// <see cref="IInstanceGroupGrain"/>: the group routes (codechat-api.md §6) on the instance's client.
/// WhatsApp's refusals become outcomes the API answers clearly (401 → not an admin, 403 → not a
/// participant, 404 → no such group, 406/410 → bad or revoked invite code, 409 → conflict). Changes are
/// announced by the server in w:gp2 notifications, which become the group events
/// (<see cref="AcceptGroupEventsAsync"/>); a create records its <c>group.upsert</c> itself before answering.
/// </summary>
public sealed partial class InstanceGrain
{
    public Task<GroupResult<GroupMetadataView>> CreateGroupAsync(string subject, IReadOnlyList<string> participants, string? description, CancellationToken cancellationToken = default) =>
        GroupCallAsync<GroupMetadataView>(async client =>
        {
            var members = await ResolveParticipantsAsync(client, participants, cancellationToken);
            var metadata = await client.CreateGroupAsync(subject, members, cancellationToken);
            if (!string.IsNullOrEmpty(description))
            {
                await client.SetGroupDescriptionAsync(metadata.Jid, description, cancellationToken);
                metadata = await client.GetGroupMetadataAsync(metadata.Jid, cancellationToken);
            }
            var view = GroupViews.From(metadata);
            // Recorded before the answer (api-contract.md §4); the create notification a server may also
            // send this device names the same fact and so the same event id.
            await AppendGroupEventAsync(GroupEventPayloads.Created(view, client.Credentials?.GetJid()?.ToNonAd()), cancellationToken);
            return GroupResult<GroupMetadataView>.Of(view);
        });

    public Task<GroupResult<GroupMetadataView>> FindGroupAsync(string groupJid, CancellationToken cancellationToken = default) =>
        WithGroupAsync<GroupMetadataView>(groupJid, async (client, group) =>
            GroupResult<GroupMetadataView>.Of(GroupViews.From(await client.GetGroupMetadataAsync(group, cancellationToken))));

    public Task<GroupResult<IReadOnlyList<GroupMetadataView>>> FindAllGroupsAsync(CancellationToken cancellationToken = default) =>
        GroupCallAsync<IReadOnlyList<GroupMetadataView>>(async client =>
            GroupResult<IReadOnlyList<GroupMetadataView>>.Of((await client.GetJoinedGroupsAsync(cancellationToken)).Select(GroupViews.From).ToList()));

    public Task<GroupResult<IReadOnlyList<GroupParticipantUpdateView>>> UpdateParticipantsAsync(
        string groupJid, GroupParticipantCommand action, IReadOnlyList<string> participants, CancellationToken cancellationToken = default) =>
        WithGroupAsync<IReadOnlyList<GroupParticipantUpdateView>>(groupJid, async (client, group) =>
        {
            var members = action == GroupParticipantCommand.Add
                ? await ResolveParticipantsAsync(client, participants, cancellationToken)
                : ParseParticipants(participants);
            var results = await client.UpdateGroupParticipantsAsync(group, (GroupParticipantAction)action, members, cancellationToken);
            return GroupResult<IReadOnlyList<GroupParticipantUpdateView>>.Of(results.Select(GroupViews.From).ToList());
        });

    public Task<GroupResult<string>> GetInviteCodeAsync(string groupJid, bool revoke, CancellationToken cancellationToken = default) =>
        WithGroupAsync<string>(groupJid, async (client, group) => GroupResult<string>.Of(revoke
            ? await client.RevokeGroupInviteCodeAsync(group, cancellationToken)
            : await client.GetGroupInviteCodeAsync(group, cancellationToken)));

    public Task<GroupResult<string>> AcceptInviteAsync(string inviteCode, CancellationToken cancellationToken = default) =>
        GroupCallAsync<string>(async client =>
            GroupResult<string>.Of((await client.JoinGroupWithInviteAsync(InviteCodeOf(inviteCode), cancellationToken)).ToString()), invite: true);

    public Task<GroupResult<GroupMetadataView>> GetInviteInfoAsync(string inviteCode, CancellationToken cancellationToken = default) =>
        GroupCallAsync<GroupMetadataView>(async client =>
            GroupResult<GroupMetadataView>.Of(GroupViews.From(await client.GetGroupInviteInfoAsync(InviteCodeOf(inviteCode), cancellationToken))), invite: true);

    public Task<GroupResult<bool>> LeaveGroupAsync(string groupJid, CancellationToken cancellationToken = default) =>
        WithGroupAsync<bool>(groupJid, async (client, group) =>
        {
            await client.LeaveGroupAsync(group, cancellationToken);
            return GroupResult<bool>.Of(true);
        });

    public Task<GroupResult<bool>> UpdateGroupAsync(string groupJid, GroupUpdateCommand update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return WithGroupAsync<bool>(groupJid, async (client, group) =>
        {
            switch (update.Kind)
            {
                case GroupUpdateKind.Subject:
                    await client.SetGroupSubjectAsync(group, update.Text ?? "", cancellationToken);
                    break;
                case GroupUpdateKind.Description:
                    await client.SetGroupDescriptionAsync(group, update.Text, cancellationToken);
                    break;
                case GroupUpdateKind.Setting:
                    await client.SetGroupSettingAsync(group, ParseSetting(update.Text), cancellationToken);
                    break;
                case GroupUpdateKind.Ephemeral:
                    await client.SetGroupEphemeralAsync(group, update.Seconds, cancellationToken);
                    break;
                case GroupUpdateKind.Picture:
                    await client.SetGroupPictureAsync(group, update.Picture ?? [], cancellationToken);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(update), update.Kind, null);
            }
            return GroupResult<bool>.Of(true);
        });
    }

    public async Task AcceptGroupEventsAsync(long epoch, IReadOnlyList<GroupEventData> groupEvents)
    {
        var session = _session;
        if (session is null || session.Epoch != epoch)
            throw new InvalidOperationException($"Session {epoch} of instance {Name} no longer owns it; the group notification is left for the owner.");
        // The notification's ack waits for this: a failure leaves it unacked, and WhatsApp delivers it again.
        using var change = new CancellationTokenSource(ChangeTimeout, timeProvider);
        foreach (var groupEvent in groupEvents)
            await AppendGroupEventAsync(groupEvent, change.Token);
    }

    private Task AppendGroupEventAsync(GroupEventData groupEvent, CancellationToken cancellationToken) =>
        AppendAsync(new InstanceEventDraft(Name, state.State.Id, state.State.OwnerJid, groupEvent.Event, groupEvent.DataJson)
        {
            Id = NamedEventId.From($"{groupEvent.Event}\n{Name}\n{groupEvent.Key}"),
        }, cancellationToken);

    private Task<GroupResult<T>> WithGroupAsync<T>(string groupJid, Func<WaClient, Jid, Task<GroupResult<T>>> call) =>
        Jid.TryParse(groupJid, out var group) && group.IsGroup
            ? GroupCallAsync(client => call(client, group.ToNonAd()))
            : Task.FromResult(new GroupResult<T>(GroupOutcome.GroupNotFound, Detail: groupJid));

    private async Task<GroupResult<T>> GroupCallAsync<T>(Func<WaClient, Task<GroupResult<T>>> call, bool invite = false)
    {
        if (!state.State.Exists)
            return new GroupResult<T>(GroupOutcome.InstanceNotFound);
        if (OpenClient() is not { } client)
            return new GroupResult<T>(GroupOutcome.NotConnected);
        try
        {
            return await call(client);
        }
        catch (WaIqException refusal)
        {
            LogGroupRefused(Name, refusal.Code, refusal.Text);
            var outcome = refusal.Code switch
            {
                401 => GroupOutcome.NotAdmin,
                403 => GroupOutcome.NotParticipant,
                404 => GroupOutcome.GroupNotFound,
                406 when invite => GroupOutcome.InvalidInviteCode,
                410 when invite => GroupOutcome.InviteCodeRevoked,
                409 => GroupOutcome.Conflict,
                _ => GroupOutcome.Refused,
            };
            return new GroupResult<T>(outcome, ServerCode: refusal.Code, Detail: refusal.Text);
        }
        catch (WaClientException) when (OpenClient() is null)
        {
            // The connection dropped while we waited for WhatsApp's answer.
            return new GroupResult<T>(GroupOutcome.NotConnected);
        }
    }

    /// <summary>Participants as JIDs; phone numbers checked with WhatsApp (cached) so the JID is the account's own (Brazilian ninth digit).</summary>
    private async Task<IReadOnlyList<Jid>> ResolveParticipantsAsync(WaClient client, IReadOnlyList<string> participants, CancellationToken cancellationToken)
    {
        var parsed = ParseParticipants(participants);
        var answers = await CheckPhoneNumbersAsync(client, parsed.Where(j => j.IsUserPn).Select(j => j.User).Distinct().ToList(), cancellationToken, counted: false);
        return parsed.Select(jid => jid.IsUserPn && answers.TryGetValue(jid.User, out var answer) && answer.Exists ? answer.Jid.ToNonAd() : jid).Distinct().ToList();
    }

    /// <exception cref="ArgumentException">A participant is neither a phone number nor a user JID (the API checks first).</exception>
    private static List<Jid> ParseParticipants(IReadOnlyList<string> participants) =>
        participants.Select(p => RecipientJid.TryParse(p, out var jid) && (jid.IsUserPn || jid.IsLid)
            ? jid
            : throw new ArgumentException($"'{p}' is not a participant.", nameof(participants))).ToList();

    private static GroupSetting ParseSetting(string? setting) => setting switch
    {
        "announcement" => GroupSetting.Announcement,
        "not_announcement" => GroupSetting.NotAnnouncement,
        "locked" => GroupSetting.Locked,
        "unlocked" => GroupSetting.Unlocked,
        _ => throw new ArgumentException($"Unknown group setting '{setting}'.", nameof(setting)),
    };

    /// <summary>The code of an invite link (https://chat.whatsapp.com/CODE) or the code itself.</summary>
    private static string InviteCodeOf(string inviteCode)
    {
        var code = inviteCode.Trim();
        var slash = code.LastIndexOf('/');
        return slash >= 0 ? code[(slash + 1)..] : code;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: WhatsApp refused a group request ({Code} {Text})")]
    private partial void LogGroupRefused(string instanceName, int code, string? text);
}
