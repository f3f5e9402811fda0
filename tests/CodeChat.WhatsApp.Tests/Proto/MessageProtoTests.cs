using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Tests.Proto;

/// <summary>
/// WAWebProtobufsE2E.Message and friends. Byte vectors: whatsapp-protocol.md §12.9
/// (vectors.json keys proto.*); shapes: §11.2, §11.3.
/// </summary>
public class MessageProtoTests
{
    [Fact]
    public void Conversation_text_matches_vector()
    {
        // vectors.json key proto.message_conversation_hi (§12.9)
        var message = new Message { Conversation = "hi" };

        Assert.Equal(ProtoVectors.Hex("proto.message_conversation_hi"), message.ToByteArray());
    }

    [Fact]
    public void Extended_text_with_reply_and_mention_matches_vector()
    {
        // vectors.json key proto.extended_text_with_context (§12.9, shape §11.3)
        var message = new Message
        {
            ExtendedTextMessage = new ExtendedTextMessage
            {
                Text = "hi @1",
                ContextInfo = new ContextInfo
                {
                    StanzaID = "3EB0ABCD",
                    Participant = "1@s.whatsapp.net",
                    QuotedMessage = new Message { Conversation = "q" },
                    MentionedJID = { "1@s.whatsapp.net" },
                },
            },
        };

        Assert.Equal(ProtoVectors.Hex("proto.extended_text_with_context"), message.ToByteArray());
    }

    [Fact]
    public void Extended_text_vector_parses_back()
    {
        var message = Message.Parser.ParseFrom(ProtoVectors.Hex("proto.extended_text_with_context"));

        Assert.Equal("hi @1", message.ExtendedTextMessage.Text);
        Assert.Equal("3EB0ABCD", message.ExtendedTextMessage.ContextInfo.StanzaID);
        Assert.Equal("q", message.ExtendedTextMessage.ContextInfo.QuotedMessage.Conversation);
        Assert.Equal(["1@s.whatsapp.net"], message.ExtendedTextMessage.ContextInfo.MentionedJID);
    }

    [Fact]
    public void Media_messages_round_trip_with_their_field_numbers()
    {
        var mediaKey = ByteString.CopyFrom(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        var message = new Message
        {
            ImageMessage = new ImageMessage
            {
                URL = "https://mmg.whatsapp.net/x",
                Mimetype = "image/jpeg",
                Caption = "c",
                FileSHA256 = ByteString.CopyFrom(1),
                FileLength = 1234,
                Height = 240,
                Width = 320,
                MediaKey = mediaKey,
                FileEncSHA256 = ByteString.CopyFrom(2),
                DirectPath = "/v/t62/x",
                MediaKeyTimestamp = 1700000000,
                JPEGThumbnail = ByteString.CopyFrom(3),
                ContextInfo = new ContextInfo { Expiration = 86400 },
            },
            MessageContextInfo = new MessageContextInfo
            {
                MessageSecret = ByteString.CopyFrom(new byte[32]),
                DeviceListMetadata = new DeviceListMetadata { SenderKeyIndexes = { 0, 1 }, SenderTimestamp = 5 },
                DeviceListMetadataVersion = 2,
            },
        };

        var bytes = message.ToByteArray();

        Assert.Equal(message, Message.Parser.ParseFrom(bytes));
        Assert.Equal(0x1a, bytes[0]); // imageMessage = field 3, length-delimited
        // URL=1 then mimetype=2 inside ImageMessage
        var image = message.ImageMessage.ToByteArray();
        Assert.Equal(0x0a, image[0]);
    }

    [Fact]
    public void Audio_video_document_sticker_round_trip()
    {
        var messages = new[]
        {
            new Message { AudioMessage = new AudioMessage { Mimetype = "audio/ogg; codecs=opus", PTT = true, Seconds = 7, FileLength = 10 } },
            new Message { VideoMessage = new VideoMessage { Mimetype = "video/mp4", Seconds = 3, GifPlayback = true, Caption = "v", Width = 2, Height = 1 } },
            new Message { PtvMessage = new VideoMessage { Mimetype = "video/mp4", Seconds = 3 } },
            new Message { DocumentMessage = new DocumentMessage { FileName = "a.pdf", Mimetype = "application/pdf", PageCount = 2, Title = "a" } },
            new Message { StickerMessage = new StickerMessage { Mimetype = "image/webp", IsAnimated = true, PngThumbnail = ByteString.CopyFrom(9) } },
            new Message
            {
                DocumentWithCaptionMessage = new FutureProofMessage
                {
                    Message = new Message { DocumentMessage = new DocumentMessage { FileName = "b.txt", Caption = "cap" } },
                },
            },
        };

        foreach (var message in messages)
        {
            Assert.Equal(message, Message.Parser.ParseFrom(message.ToByteArray()));
        }

        // PTT is field 6 of AudioMessage (varint) -> tag 0x30.
        Assert.Equal(new byte[] { 0x30, 0x01 }, new AudioMessage { PTT = true }.ToByteArray());
        // Document fileName is field 8 -> tag 0x42.
        Assert.Equal(0x42, new DocumentMessage { FileName = "x" }.ToByteArray()[0]);
    }

    [Fact]
    public void Location_contact_and_contacts_array_round_trip()
    {
        var location = new Message { LocationMessage = new LocationMessage { DegreesLatitude = 52.5, DegreesLongitude = 13.4, Name = "n", Address = "a" } };
        // degreesLatitude is a double (field 1, wire type 1) -> tag 0x09 followed by 8 bytes.
        var locationBytes = location.LocationMessage.ToByteArray();
        Assert.Equal(0x09, locationBytes[0]);
        Assert.Equal(0x11, locationBytes[9]);

        var vcard = "BEGIN:VCARD\nVERSION:3.0\nFN:A\nTEL;type=CELL;waid=15551234567:+15551234567\nEND:VCARD";
        var contacts = new Message
        {
            ContactsArrayMessage = new ContactsArrayMessage
            {
                DisplayName = "2 contacts",
                Contacts =
                {
                    new ContactMessage { DisplayName = "A", Vcard = vcard },
                    new ContactMessage { DisplayName = "B", Vcard = vcard },
                },
            },
        };
        // vcard is field 16 (length-delimited) -> two-byte tag 0x82 0x01.
        Assert.Equal(new byte[] { 0x82, 0x01 }, new ContactMessage { Vcard = "x" }.ToByteArray()[..2]);

        foreach (var message in new[] { location, contacts, new Message { ContactMessage = new ContactMessage { DisplayName = "A", Vcard = vcard } } })
        {
            Assert.Equal(message, Message.Parser.ParseFrom(message.ToByteArray()));
        }
    }

    [Fact]
    public void Reaction_and_revoke_carry_message_keys()
    {
        var key = new MessageKey { RemoteJID = "15551234567@s.whatsapp.net", FromMe = true, ID = "3EB0ABCD" };
        var reaction = new Message { ReactionMessage = new ReactionMessage { Key = key, Text = "👍", SenderTimestampMS = 1700000000000 } };
        var revoke = new Message { ProtocolMessage = new ProtocolMessage { Key = key, Type = ProtocolMessage.Types.Type.Revoke } };
        var edit = new Message
        {
            ProtocolMessage = new ProtocolMessage
            {
                Key = key,
                Type = ProtocolMessage.Types.Type.MessageEdit,
                EditedMessage = new Message { Conversation = "edited" },
                TimestampMS = 1700000000000,
            },
        };

        // MessageKey: remoteJID=1, fromMe=2, ID=3 (WACommon)
        Assert.Equal(
            Convert.FromHexString("0a1a" + Convert.ToHexString("15551234567@s.whatsapp.net"u8) + "1001" + "1a08" + Convert.ToHexString("3EB0ABCD"u8)),
            key.ToByteArray());
        // Revoke is type 0, and proto2 still writes an explicitly set default: field 2 -> 10 00.
        Assert.Equal(new byte[] { 0x10, 0x00 }, revoke.ProtocolMessage.ToByteArray()[^2..]);
        Assert.Equal(14, (int)ProtocolMessage.Types.Type.MessageEdit);

        foreach (var message in new[] { reaction, revoke, edit })
        {
            Assert.Equal(message, Message.Parser.ParseFrom(message.ToByteArray()));
        }
    }

    [Fact]
    public void History_sync_notification_and_app_state_key_share_round_trip()
    {
        var message = new Message
        {
            ProtocolMessage = new ProtocolMessage
            {
                Type = ProtocolMessage.Types.Type.HistorySyncNotification,
                HistorySyncNotification = new HistorySyncNotification
                {
                    FileSHA256 = ByteString.CopyFrom(1),
                    FileLength = 99,
                    MediaKey = ByteString.CopyFrom(new byte[32]),
                    DirectPath = "/v/x",
                    SyncType = HistorySyncType.InitialBootstrap,
                    ChunkOrder = 1,
                    Progress = 50,
                },
            },
        };
        var keyShare = new Message
        {
            ProtocolMessage = new ProtocolMessage
            {
                Type = ProtocolMessage.Types.Type.AppStateSyncKeyShare,
                AppStateSyncKeyShare = new AppStateSyncKeyShare
                {
                    Keys =
                    {
                        new AppStateSyncKey
                        {
                            KeyID = new AppStateSyncKeyId { KeyID = ByteString.CopyFrom(0, 0, 0, 1) },
                            KeyData = new AppStateSyncKeyData
                            {
                                KeyData = ByteString.CopyFrom(new byte[32]),
                                Fingerprint = new AppStateSyncKeyFingerprint { RawID = 1, CurrentIndex = 2, DeviceIndexes = { 0, 2 } },
                                Timestamp = 1700000000000,
                            },
                        },
                    },
                },
            },
        };

        Assert.Equal(message, Message.Parser.ParseFrom(message.ToByteArray()));
        Assert.Equal(keyShare, Message.Parser.ParseFrom(keyShare.ToByteArray()));
        // deviceIndexes is packed: field 3 wire type 2 -> 1a 02 00 02
        Assert.Equal(new byte[] { 0x1a, 0x02, 0x00, 0x02 }, new AppStateSyncKeyFingerprint { DeviceIndexes = { 0, 2 } }.ToByteArray());
    }

    [Fact]
    public void Wrappers_payments_and_device_sent_round_trip()
    {
        var inner = new Message { Conversation = "secret" };
        var key = new MessageKey { RemoteJID = "1@s.whatsapp.net", ID = "A" };
        var messages = new[]
        {
            new Message { EphemeralMessage = new FutureProofMessage { Message = inner } },
            new Message { ViewOnceMessage = new FutureProofMessage { Message = inner } },
            new Message { ViewOnceMessageV2 = new FutureProofMessage { Message = inner } },
            new Message { EditedMessage = new FutureProofMessage { Message = inner } },
            new Message { DeviceSentMessage = new DeviceSentMessage { DestinationJID = "1@s.whatsapp.net", Message = inner, Phash = "2:abc" } },
            new Message { SenderKeyDistributionMessage = new SenderKeyDistributionMessage { GroupID = "1-2@g.us", AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(0x33) } },
            new Message
            {
                RequestPaymentMessage = new RequestPaymentMessage
                {
                    CurrencyCodeIso4217 = "BRL",
                    Amount1000 = 5000,
                    RequestFrom = "1@s.whatsapp.net",
                    NoteMessage = inner,
                    Amount = new Money { Value = 500, Offset = 100, CurrencyCode = "BRL" },
                },
            },
            new Message { DeclinePaymentRequestMessage = new DeclinePaymentRequestMessage { Key = key } },
            new Message { CancelPaymentRequestMessage = new CancelPaymentRequestMessage { Key = key } },
            new Message { SendPaymentMessage = new SendPaymentMessage { NoteMessage = inner, RequestMessageKey = key } },
        };

        foreach (var message in messages)
        {
            Assert.Equal(message, Message.Parser.ParseFrom(message.ToByteArray()));
        }

        // ephemeralMessage is field 40 -> tag (40<<3|2) = 0xc2 0x02
        Assert.Equal(new byte[] { 0xc2, 0x02 }, messages[0].ToByteArray()[..2]);
    }

    [Fact]
    public void Fields_outside_our_subset_survive_a_round_trip()
    {
        // Message.call (field 10) is not in our schema; a relay must not drop it.
        var withUnknown = Convert.FromHexString("0a026869" + "5202" + "0a00");
        var parsed = Message.Parser.ParseFrom(withUnknown);

        Assert.Equal("hi", parsed.Conversation);
        Assert.Equal(withUnknown, parsed.ToByteArray());
    }
}
