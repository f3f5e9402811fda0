using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.AppState;
using CodeChat.WhatsApp.AppState;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Proto;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.Instances;

/// <summary>
/// <c>/chat/archiveChat</c>, <c>muteChat</c>, <c>pinChat</c> and <c>markChatUnread</c>: our own chat
/// modifications as app-state patches the phone and the other companions apply (built by
/// <see cref="ChatActionPatches"/> from Baileys 7 chat-utils <c>chatModificationToAppPatch</c> and
/// whatsmeow appstate/encode.go). The patch comes back in the following sync and is applied here like
/// the phone's own, so the row and <c>chats.update</c> follow from the same code.
/// </summary>
public sealed partial class InstanceGrain
{
    private static readonly TimeSpan ChatModificationTimeout = TimeSpan.FromSeconds(40);

    public Task<ChatModificationResult> ArchiveChatAsync(ArchiveChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ModifyChatAsync(request.LastMessage.RemoteJid, async token => ChatActionPatches.Archive(
            request.LastMessage.RemoteJid, request.Archive, await LastMessageRangeAsync(request.LastMessage, token), NowMilliseconds()), cancellationToken);
    }

    public Task<ChatModificationResult> MarkChatUnreadAsync(MarkChatUnreadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ModifyChatAsync(request.LastMessage.RemoteJid, async token => ChatActionPatches.MarkChatAsRead(
            request.LastMessage.RemoteJid, !request.Unread, await LastMessageRangeAsync(request.LastMessage, token), NowMilliseconds()), cancellationToken);
    }

    public Task<ChatModificationResult> MuteChatAsync(MuteChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ModifyChatAsync(request.Chat, _ => Task.FromResult(
            ChatActionPatches.Mute(request.Chat, request.Mute, request.MuteEndMilliseconds, NowMilliseconds())), cancellationToken);
    }

    public Task<ChatModificationResult> PinChatAsync(PinChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ModifyChatAsync(request.Chat, _ => Task.FromResult(ChatActionPatches.Pin(request.Chat, request.Pin, NowMilliseconds())), cancellationToken);
    }

    /// <summary>The one path of every chat modification: the instance must be open, then one patch is sent and synced back.</summary>
    private async Task<ChatModificationResult> ModifyChatAsync(
        string chatJid, Func<CancellationToken, Task<ChatActionPatch>> build, CancellationToken cancellationToken)
    {
        if (!state.State.Exists)
            return new ChatModificationResult(ChatModificationOutcome.InstanceNotFound);
        if (OpenClient() is null || _session?.AppState is not { } appState)
            return new ChatModificationResult(ChatModificationOutcome.NotConnected);

        var patch = await build(cancellationToken);
        var (outcome, error) = await SendChatActionsAsync(appState, patch.Collection, [patch.Action], cancellationToken);
        if (outcome == ChatModificationOutcome.Done)
            LogChatModified(Name, chatJid, patch.Action.Index[0]);
        else
            LogChatModificationFailed(Name, chatJid, patch.Action.Index[0], error ?? outcome.ToString());
        return new ChatModificationResult(outcome, chatJid, error);
    }

    /// <summary>Sends <paramref name="actions"/> as one patch of <paramref name="collection"/>, bounded in time; what failed is told, not thrown.</summary>
    private async Task<(ChatModificationOutcome Outcome, string? Error)> SendChatActionsAsync(
        AppStateSync appState, string collection, IReadOnlyList<AppStateAction> actions, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(ChatModificationTimeout);
        try
        {
            await appState.SendAsync(collection, actions, bounded.Token);
            return (ChatModificationOutcome.Done, null);
        }
        catch (AppStateKeyMissingException)
        {
            return (ChatModificationOutcome.NoAppStateKey, "The phone has not shared its app-state keys with this device yet");
        }
        catch (Exception exception) when (exception is WaClientException or WaIqException or TimeoutException or InvalidOperationException
            or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (ChatModificationOutcome.Failed, exception.Message);
        }
    }

    /// <summary>The range of a chat's last message; its time is the one given, else the stored message's, else now.</summary>
    private async Task<SyncActionMessageRange> LastMessageRangeAsync(ChatLastMessage lastMessage, CancellationToken cancellationToken)
    {
        var timestamp = lastMessage.MessageTimestamp
            ?? (await messages.FindByMessageIdAsync(Name, lastMessage.MessageId, lastMessage.RemoteJid, cancellationToken))?.MessageTimestamp
            ?? timeProvider.GetUtcNow().ToUnixTimeSeconds();
        return ChatActionPatches.LastMessageRange(lastMessage.RemoteJid, lastMessage.MessageId, lastMessage.FromMe, lastMessage.Participant, timestamp);
    }

    private long NowMilliseconds() => timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: chat {ChatJid} modified through app state ({Action})")]
    private partial void LogChatModified(string instanceName, string chatJid, string action);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: the {Action} app-state patch for chat {ChatJid} failed: {Reason}")]
    private partial void LogChatModificationFailed(string instanceName, string chatJid, string action, string reason);
}
