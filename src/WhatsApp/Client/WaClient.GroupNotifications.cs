using System.Collections.Concurrent;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Groups;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: group notifications (whatsapp-protocol.md §10.2; whatsmeow notification.go handles w:gp2
// and picture; Baileys 7 messages-recv.js handleGroupNotification) and the participant cache they
// keep fresh. They are handled by the inbound worker, in order with messages, because a join needs
// a metadata iq (whose answer the reader loop must deliver) and the durable hook may take a while:
// the ack goes out only after the hook stored the change, so a crash in between gets it redelivered.
public sealed partial class WaClient
{
    // Group metadata by group, for sends and mentions; dropped on every notification about the group
    // and on every new connection (notifications missed meanwhile would leave it stale).
    private readonly ConcurrentDictionary<Jid, GroupMetadata> _groupParticipants = new();

    /// <summary>The cached metadata of <paramref name="group"/> when a recent query or notification left it fresh.</summary>
    public bool TryGetCachedGroup(Jid group, out GroupMetadata metadata) =>
        _groupParticipants.TryGetValue(group.ToNonAd(), out metadata!);

    private void RememberGroupParticipants(GroupMetadata metadata) => _groupParticipants[metadata.Jid] = metadata;

    private void ForgetGroupParticipants(Jid group) => _groupParticipants.TryRemove(group.ToNonAd(), out _);

    private void ForgetAllGroupParticipants() => _groupParticipants.Clear();

    private async Task HandleGroupNotificationAsync(WaClientSession session, Node node)
    {
        var token = session.Token;
        var notification = GroupNotificationParser.Parse(node);
        ForgetGroupParticipants(notification.Group);
        var changes = notification.Changes.ToList();
        foreach (var change in notification.Changes)
        {
            switch (change)
            {
                case GroupAppearedChange appeared:
                    await LearnGroupMappingsAsync(appeared.Metadata, token).ConfigureAwait(false);
                    break;
                case GroupParticipantsChange { Action: GroupParticipantAction.Add } added when added.Participants.Any(IsOwnAccount):
                    // We were added or joined by link: the group is new to us, so tell its metadata.
                    if (await TryGetGroupMetadataAsync(notification.Group, token).ConfigureAwait(false) is { } metadata)
                    {
                        changes.Add(new GroupAppearedChange(metadata, Created: false));
                    }
                    break;
                case GroupParticipantsChange { Action: GroupParticipantAction.Remove }:
                    await RotateOwnSenderKeyAsync(notification.Group, token).ConfigureAwait(false);
                    break;
            }
        }
        notification = notification with { Changes = changes };

        if (_options.StoreGroupNotificationAsync is { } store)
        {
            try
            {
                await store(notification, token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !token.IsCancellationRequested)
            {
                // Unacked: the server delivers the notification again (on the next connection at the latest).
                Log.GroupNotificationNotStored(_logger, notification.Id, notification.Group.ToString(), exception);
                return;
            }
        }
        Publish(new GroupNotificationEvent(notification));
        await session.Connection.SendAsync(ClientNodes.Ack(node), token).ConfigureAwait(false);
    }

    private bool IsOwnAccount(GroupMember member)
    {
        var credentials = Credentials;
        return (credentials?.GetJid() is { } pn && member.Is(pn.ToNonAd())) || (credentials?.GetLid() is { } lid && member.Is(lid.ToNonAd()));
    }

    private async Task<GroupMetadata?> TryGetGroupMetadataAsync(Jid group, CancellationToken cancellationToken)
    {
        try
        {
            return await GetGroupMetadataAsync(group, cancellationToken).ConfigureAwait(false);
        }
        catch (WaIqException exception)
        {
            // Left or removed again before we asked: the participants change is still reported.
            Log.GroupMetadataUnavailable(_logger, group.ToString(), exception.Code);
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(42, LogLevel.Warning, "Group notification {Id} for {Group} could not be stored; left unacked for redelivery")]
        public static partial void GroupNotificationNotStored(ILogger logger, string id, string group, Exception exception);

        [LoggerMessage(43, LogLevel.Information, "Metadata of {Group} unavailable after we were added ({Code})")]
        public static partial void GroupMetadataUnavailable(ILogger logger, string group, int code);
    }
}
