using CodeChat.WhatsApp.Proto;

namespace CodeChat.WhatsApp.AppState;

/// <summary>
/// Our own chat actions as app-state mutations: which collection each goes to, its index and its
/// action version. The facts are those of Baileys 7 src/Utils/chat-utils.ts
/// <c>chatModificationToAppPatch</c> and whatsmeow appstate/encode.go (<c>BuildArchive</c>,
/// <c>BuildMuteAbs</c>, <c>BuildPin</c>, <c>BuildMarkChatAsRead</c>), which agree on every one:
/// <list type="bullet">
/// <item><c>archive</c>: <c>regular_low</c>, <c>["archive", jid]</c>, version 3, <c>archiveChatAction{archived, messageRange}</c>;</item>
/// <item><c>mute</c>: <c>regular_high</c>, <c>["mute", jid]</c>, version 2, <c>muteAction{muted, muteEndTimestamp}</c> in Unix
/// milliseconds, <c>-1</c> for "always" (whatsmeow <c>BuildMuteAbs</c>), none when unmuting;</item>
/// <item><c>pin_v1</c>: <c>regular_low</c>, <c>["pin_v1", jid]</c>, version 5, <c>pinAction{pinned}</c>;</item>
/// <item><c>markChatAsRead</c>: <c>regular_low</c>, <c>["markChatAsRead", jid]</c>, version 3,
/// <c>markChatAsReadAction{read, messageRange}</c> (read false = marked unread).</item>
/// </list>
/// Every value carries the time of the action in Unix milliseconds (both libraries set
/// <c>SyncActionValue.timestamp</c>); a pin's time is what the phone shows as the pin time.
/// </summary>
public static class ChatActionPatches
{
    /// <summary>WhatsApp's <c>muteEndTimestamp</c> for a chat muted with no end ("always").</summary>
    public const long MutedForever = -1;

    public static ChatActionPatch Archive(string chatJid, bool archived, SyncActionMessageRange range, long atMilliseconds) =>
        new(AppStateCollections.RegularLow, Set(["archive", chatJid], 3, atMilliseconds,
            value => value.ArchiveChatAction = new ArchiveChatAction { Archived = archived, MessageRange = range }));

    /// <summary><paramref name="muteEndMilliseconds"/>: when the mute ends (Unix ms) or <see cref="MutedForever"/>; ignored when unmuting.</summary>
    public static ChatActionPatch Mute(string chatJid, bool muted, long muteEndMilliseconds, long atMilliseconds) =>
        new(AppStateCollections.RegularHigh, Set(["mute", chatJid], 2, atMilliseconds, value =>
        {
            value.MuteAction = new MuteAction { Muted = muted };
            if (muted)
                value.MuteAction.MuteEndTimestamp = muteEndMilliseconds;
        }));

    public static ChatActionPatch Pin(string chatJid, bool pinned, long atMilliseconds) =>
        new(AppStateCollections.RegularLow, Set(["pin_v1", chatJid], 5, atMilliseconds,
            value => value.PinAction = new PinAction { Pinned = pinned }));

    public static ChatActionPatch MarkChatAsRead(string chatJid, bool read, SyncActionMessageRange range, long atMilliseconds) =>
        new(AppStateCollections.RegularLow, Set(["markChatAsRead", chatJid], 3, atMilliseconds,
            value => value.MarkChatAsReadAction = new MarkChatAsReadAction { Read = read, MessageRange = range }));

    /// <summary>
    /// The range naming a chat's last message (whatsmeow <c>newMessageRange</c>, Baileys <c>getMessageRange</c>):
    /// its time in Unix seconds as <c>lastMessageTimestamp</c>, and the message's key (the group sender as
    /// <c>participant</c> when given) with the same time.
    /// </summary>
    public static SyncActionMessageRange LastMessageRange(
        string chatJid, string messageId, bool fromMe, string? participant, long lastMessageTimestampSeconds)
    {
        var key = new MessageKey { RemoteJID = chatJid, FromMe = fromMe, ID = messageId };
        if (participant is { Length: > 0 })
            key.Participant = participant;
        var range = new SyncActionMessageRange { LastMessageTimestamp = lastMessageTimestampSeconds };
        range.Messages.Add(new SyncActionMessage { Key = key, Timestamp = lastMessageTimestampSeconds });
        return range;
    }

    private static AppStateAction Set(string[] index, int apiVersion, long atMilliseconds, Action<SyncActionValue> fill)
    {
        var value = new SyncActionValue { Timestamp = atMilliseconds };
        fill(value);
        return new AppStateAction(SyncdMutation.Types.SyncdOperation.Set, index, value, apiVersion);
    }
}

/// <summary>One chat action of ours and the collection its patch goes to.</summary>
public sealed record ChatActionPatch(string Collection, AppStateAction Action);
