using CodeChat.Grains.Abstractions.Chats;
using CodeChat.WhatsApp.AppState;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Proto;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.Instances;

/// <summary>
/// <c>/chat/archiveChat</c>: our own archive / unarchive as an app-state patch the phone and the other
/// companions apply (Baileys 7 chat-utils <c>chatModificationToAppPatch</c> for <c>archive</c>: collection
/// <c>regular_low</c>, index <c>["archive", jid]</c>, API version 3, an <c>archiveChatAction</c> with the
/// range of the chat's last message). The patch comes back in the following sync and is applied
/// here like the phone's own, so the row and <c>chats.update</c> follow from the same code.
/// </summary>
public sealed partial class InstanceGrain
{
    private static readonly TimeSpan ArchiveTimeout = TimeSpan.FromSeconds(40);

    public async Task<ArchiveChatResult> ArchiveChatAsync(ArchiveChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!state.State.Exists)
            return new ArchiveChatResult(ArchiveChatOutcome.InstanceNotFound);
        if (OpenClient() is null || _session?.AppState is not { } appState)
            return new ArchiveChatResult(ArchiveChatOutcome.NotConnected);

        var timestamp = request.MessageTimestamp
            ?? (await messages.FindByMessageIdAsync(Name, request.MessageId, request.RemoteJid, cancellationToken))?.MessageTimestamp
            ?? timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var key = new CodeChat.WhatsApp.Proto.MessageKey { RemoteJID = request.RemoteJid, FromMe = request.FromMe, ID = request.MessageId };
        if (request.Participant is { Length: > 0 } participant)
            key.Participant = participant;
        var range = new SyncActionMessageRange { LastMessageTimestamp = timestamp };
        range.Messages.Add(new SyncActionMessage { Key = key, Timestamp = timestamp });
        var action = new AppStateAction(SyncdMutation.Types.SyncdOperation.Set, ["archive", request.RemoteJid],
            new SyncActionValue
            {
                Timestamp = timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
                ArchiveChatAction = new ArchiveChatAction { Archived = request.Archive, MessageRange = range },
            }, 3);

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(ArchiveTimeout);
        try
        {
            await appState.SendAsync(AppStateCollections.RegularLow, [action], bounded.Token);
        }
        catch (AppStateKeyMissingException)
        {
            return new ArchiveChatResult(ArchiveChatOutcome.NoAppStateKey, request.RemoteJid,
                Error: "The phone has not shared its app-state keys with this device yet");
        }
        catch (Exception exception) when (exception is WaClientException or WaIqException or TimeoutException or InvalidOperationException
            or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogArchiveFailed(Name, request.RemoteJid, exception.Message);
            return new ArchiveChatResult(ArchiveChatOutcome.Failed, request.RemoteJid, Error: exception.Message);
        }
        LogArchived(Name, request.RemoteJid, request.Archive);
        return new ArchiveChatResult(ArchiveChatOutcome.Done, request.RemoteJid, request.Archive);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: chat {ChatJid} archived={Archived} through app state")]
    private partial void LogArchived(string instanceName, string chatJid, bool archived);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: archiving chat {ChatJid} failed: {Reason}")]
    private partial void LogArchiveFailed(string instanceName, string chatJid, string reason);
}
