using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Tests.Proto;

/// <summary>
/// WebMessageInfo, HistorySync, SyncActionData and Syncd* protobufs. No published byte vectors
/// exist for these (whatsapp-protocol.md §12.0), so these are round trips plus wire-tag checks
/// against the field numbers of §9.1 / §11.2.
/// </summary>
public class HistoryAndAppStateProtoTests
{
    private static readonly MessageKey Key = new() { RemoteJID = "15551234567@s.whatsapp.net", FromMe = false, ID = "3EB0ABCD" };

    [Fact]
    public void WebMessageInfo_round_trips_and_requires_a_key()
    {
        var info = new WebMessageInfo
        {
            Key = Key,
            Message = new Message { Conversation = "hi" },
            MessageTimestamp = 1700000000,
            Status = WebMessageInfo.Types.Status.DeliveryAck,
            Participant = "1@s.whatsapp.net",
            PushName = "Alice",
            MessageStubType = WebMessageInfo.Types.StubType.GroupCreate,
            MessageStubParameters = { "subject" },
            UserReceipt = { new UserReceipt { UserJID = "1@s.whatsapp.net", ReadTimestamp = 5 } },
            Reactions = { new Reaction { Key = Key, Text = "👍" } },
        };

        var bytes = info.ToByteArray();

        Assert.Equal(info, WebMessageInfo.Parser.ParseFrom(bytes));
        Assert.Equal(0x0a, bytes[0]); // key = field 1
        Assert.Equal(20, (int)WebMessageInfo.Types.StubType.GroupCreate);
        Assert.Equal(3, (int)WebMessageInfo.Types.Status.DeliveryAck);
        // pushName = field 19 (length-delimited) -> tag 0x9a 0x01
        Assert.Equal(new byte[] { 0x9a, 0x01, 0x05 }, new WebMessageInfo { PushName = "Alice" }.ToByteArray()[..3]);
        // Upstream marks key as required. Google.Protobuf (C#) parses keyless entries anyway and only
        // reports them through IsInitialized(), so history-sync consumers must check it.
        Assert.True(info.IsInitialized());
        Assert.False(WebMessageInfo.Parser.ParseFrom(new WebMessageInfo { PushName = "x" }.ToByteArray()).IsInitialized());
    }

    [Fact]
    public void HistorySync_round_trips_conversations_pushnames_and_lid_mappings()
    {
        var sync = new HistorySync
        {
            SyncType = HistorySync.Types.HistorySyncType.InitialBootstrap,
            Conversations =
            {
                new Conversation
                {
                    ID = "15551234567@s.whatsapp.net",
                    Messages = { new HistorySyncMsg { Message = new WebMessageInfo { Key = Key, Message = new Message { Conversation = "old" } }, MsgOrderID = 1 } },
                    UnreadCount = 2,
                    TcToken = ByteString.CopyFrom(1, 2),
                    TcTokenTimestamp = 1700000000,
                    LidJID = "123456789012345@lid",
                    Participant = { new GroupParticipant { UserJID = "1@s.whatsapp.net", Rank = GroupParticipant.Types.Rank.Admin } },
                },
            },
            Pushnames = { new Pushname { ID = "15551234567@s.whatsapp.net", Pushname_ = "Alice" } },
            PhoneNumberToLidMappings = { new PhoneNumberToLIDMapping { PnJID = "15551234567@s.whatsapp.net", LidJID = "123456789012345@lid" } },
            NctSalt = ByteString.CopyFrom(new byte[16]),
            ChunkOrder = 1,
            Progress = 100,
        };

        var bytes = sync.ToByteArray();

        Assert.Equal(sync, HistorySync.Parser.ParseFrom(bytes));
        // syncType = field 1 varint, then conversations = field 2
        Assert.Equal(new byte[] { 0x08, 0x00, 0x12 }, bytes[..3]);
        // phoneNumberToLidMappings = field 15 -> tag 0x7a
        Assert.Equal(0x7a, new HistorySync { SyncType = HistorySync.Types.HistorySyncType.Full, PhoneNumberToLidMappings = { new PhoneNumberToLIDMapping() } }.ToByteArray()[2]);
        // nctSalt = field 19 -> tag 0x9a 0x01
        Assert.Equal(new byte[] { 0x9a, 0x01 }, new HistorySync { SyncType = HistorySync.Types.HistorySyncType.Full, NctSalt = ByteString.CopyFrom(1) }.ToByteArray()[2..4]);
    }

    [Fact]
    public void SyncActionData_round_trips_the_actions_we_handle()
    {
        var range = new SyncActionMessageRange
        {
            LastMessageTimestamp = 1700000000,
            Messages = { new SyncActionMessage { Key = Key, Timestamp = 1700000000 } },
        };
        var values = new[]
        {
            new SyncActionValue { ContactAction = new ContactAction { FullName = "Alice A", FirstName = "Alice", LidJID = "1@lid", PnJID = "1@s.whatsapp.net" } },
            new SyncActionValue { PushNameSetting = new PushNameSetting { Name = "Me" } },
            new SyncActionValue { MuteAction = new MuteAction { Muted = true, MuteEndTimestamp = -1 } },
            new SyncActionValue { PinAction = new PinAction { Pinned = true } },
            new SyncActionValue { ArchiveChatAction = new ArchiveChatAction { Archived = true, MessageRange = range } },
            new SyncActionValue { MarkChatAsReadAction = new MarkChatAsReadAction { Read = true, MessageRange = range } },
            new SyncActionValue { DeleteMessageForMeAction = new DeleteMessageForMeAction { DeleteMedia = true, MessageTimestamp = 1 } },
            new SyncActionValue { StarAction = new StarAction { Starred = true } },
            new SyncActionValue { NctSaltSyncAction = new NctSaltSyncAction { Salt = ByteString.CopyFrom(7) } },
        };

        foreach (var value in values)
        {
            value.Timestamp = 1700000000000;
            var data = new SyncActionData
            {
                Index = ByteString.CopyFromUtf8("[\"mute\",\"15551234567@s.whatsapp.net\"]"),
                Value = value,
                Padding = ByteString.Empty,
                Version = 2,
            };
            Assert.Equal(data, SyncActionData.Parser.ParseFrom(data.ToByteArray()));
        }

        // pushNameSetting = field 7 and muteAction = field 4 of SyncActionValue
        Assert.Equal(0x3a, new SyncActionValue { PushNameSetting = new PushNameSetting() }.ToByteArray()[0]);
        Assert.Equal(0x22, new SyncActionValue { MuteAction = new MuteAction() }.ToByteArray()[0]);
        // archiveChatAction = field 17 -> tag 0x8a 0x01
        Assert.Equal(new byte[] { 0x8a, 0x01 }, new SyncActionValue { ArchiveChatAction = new ArchiveChatAction() }.ToByteArray()[..2]);
    }

    [Fact]
    public void Syncd_patch_and_snapshot_round_trip()
    {
        var record = new SyncdRecord
        {
            Index = new SyncdIndex { Blob = ByteString.CopyFrom(new byte[32]) },
            Value = new SyncdValue { Blob = ByteString.CopyFrom(new byte[48]) },
            KeyID = new KeyId { ID = ByteString.CopyFrom(0, 1) },
        };
        var patch = new SyncdPatch
        {
            Version = new SyncdVersion { Version = 7 },
            Mutations = { new SyncdMutation { Operation = SyncdMutation.Types.SyncdOperation.Remove, Record = record } },
            ExternalMutations = new ExternalBlobReference { MediaKey = ByteString.CopyFrom(new byte[32]), DirectPath = "/x", FileSizeBytes = 10 },
            SnapshotMAC = ByteString.CopyFrom(new byte[32]),
            PatchMAC = ByteString.CopyFrom(new byte[32]),
            KeyID = new KeyId { ID = ByteString.CopyFrom(0, 1) },
            ExitCode = new ExitCode { Code = 1, Text = "x" },
            DeviceIndex = 3,
        };
        var snapshot = new SyncdSnapshot { Version = new SyncdVersion { Version = 6 }, Records = { record }, Mac = ByteString.CopyFrom(1), KeyID = record.KeyID };
        var mutations = new SyncdMutations { Mutations = { patch.Mutations } };

        Assert.Equal(patch, SyncdPatch.Parser.ParseFrom(patch.ToByteArray()));
        Assert.Equal(snapshot, SyncdSnapshot.Parser.ParseFrom(snapshot.ToByteArray()));
        Assert.Equal(mutations, SyncdMutations.Parser.ParseFrom(mutations.ToByteArray()));
        Assert.Equal(new byte[] { 0x08, 0x01 }, new SyncdMutation { Operation = SyncdMutation.Types.SyncdOperation.Remove }.ToByteArray());
    }
}
