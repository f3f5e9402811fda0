using CodeChat.WhatsApp.AppState;
using CodeChat.WhatsApp.Proto;

namespace CodeChat.WhatsApp.Tests.AppState;

/// <summary>
/// Our chat actions carry the collection, index and action version Baileys 7 chat-utils
/// <c>chatModificationToAppPatch</c> and whatsmeow appstate/encode.go give them (the version is inside the
/// encrypted SyncActionData, which the phone's decoder in the session tests does not report).
/// </summary>
public class ChatActionPatchesTests
{
    private const string Chat = "5531912345678@s.whatsapp.net";
    private const long At = 1_700_000_000_123;

    private static readonly SyncActionMessageRange Range =
        ChatActionPatches.LastMessageRange(Chat, "3EB0AA", fromMe: false, participant: null, 1_700_000_000);

    public static TheoryData<string, string, string, int> Patches => new()
    {
        { "archive", AppStateCollections.RegularLow, "archive", 3 },
        { "mute", AppStateCollections.RegularHigh, "mute", 2 },
        { "pin", AppStateCollections.RegularLow, "pin_v1", 5 },
        { "markRead", AppStateCollections.RegularLow, "markChatAsRead", 3 },
    };

    [Theory]
    [MemberData(nameof(Patches))]
    public void Each_action_goes_to_its_collection_with_its_index_version_and_time(string kind, string collection, string indexName, int version)
    {
        var patch = kind switch
        {
            "archive" => ChatActionPatches.Archive(Chat, true, Range, At),
            "mute" => ChatActionPatches.Mute(Chat, true, ChatActionPatches.MutedForever, At),
            "pin" => ChatActionPatches.Pin(Chat, true, At),
            _ => ChatActionPatches.MarkChatAsRead(Chat, false, Range, At),
        };

        Assert.Equal(collection, patch.Collection);
        Assert.Equal([indexName, Chat], patch.Action.Index);
        Assert.Equal(version, patch.Action.ApiVersion);
        Assert.Equal(SyncdMutation.Types.SyncdOperation.Set, patch.Action.Operation);
        Assert.Equal(At, patch.Action.Value.Timestamp);
    }

    [Fact]
    public void A_mute_carries_its_end_and_an_unmute_none()
    {
        var muted = ChatActionPatches.Mute(Chat, true, 1_700_028_800_000, At).Action.Value.MuteAction;
        Assert.True(muted.Muted);
        Assert.Equal(1_700_028_800_000, muted.MuteEndTimestamp);
        Assert.Equal(-1, ChatActionPatches.Mute(Chat, true, ChatActionPatches.MutedForever, At).Action.Value.MuteAction.MuteEndTimestamp);

        var unmuted = ChatActionPatches.Mute(Chat, false, 1_700_028_800_000, At).Action.Value.MuteAction;
        Assert.False(unmuted.Muted);
        Assert.False(unmuted.HasMuteEndTimestamp);
    }

    [Fact]
    public void A_message_range_names_the_last_message_at_its_time()
    {
        var read = ChatActionPatches.MarkChatAsRead(Chat, false, Range, At).Action.Value.MarkChatAsReadAction;
        Assert.False(read.Read);
        Assert.Equal(1_700_000_000, read.MessageRange.LastMessageTimestamp);
        var message = Assert.Single(read.MessageRange.Messages);
        Assert.Equal("3EB0AA", message.Key.ID);
        Assert.Equal(1_700_000_000, message.Timestamp);
    }
}
