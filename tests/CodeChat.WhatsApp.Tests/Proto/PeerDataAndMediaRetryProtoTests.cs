using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Tests.Proto;

/// <summary>
/// Peer-data operations (placeholder resend, on-demand history; whatsapp-protocol.md §6.11, §9.1) and
/// media retry (§8.6). No published vectors exist, so: round trips plus wire-tag checks of the field numbers.
/// </summary>
public class PeerDataAndMediaRetryProtoTests
{
    [Fact]
    public void Placeholder_resend_request_and_response_round_trip()
    {
        var key = new MessageKey { RemoteJID = "1@s.whatsapp.net", ID = "3EB0ABCD", FromMe = false };
        var request = new Message
        {
            ProtocolMessage = new ProtocolMessage
            {
                Type = ProtocolMessage.Types.Type.PeerDataOperationRequestMessage,
                PeerDataOperationRequestMessage = new PeerDataOperationRequestMessage
                {
                    PeerDataOperationRequestType = PeerDataOperationRequestType.PlaceholderMessageResend,
                    PlaceholderMessageResendRequest = { new PeerDataOperationRequestMessage.Types.PlaceholderMessageResendRequest { MessageKey = key } },
                },
            },
        };
        var resent = new WebMessageInfo { Key = key, Message = new Message { Conversation = "hi" } };
        var response = new Message
        {
            ProtocolMessage = new ProtocolMessage
            {
                Type = ProtocolMessage.Types.Type.PeerDataOperationRequestResponseMessage,
                PeerDataOperationRequestResponseMessage = new PeerDataOperationRequestResponseMessage
                {
                    PeerDataOperationRequestType = PeerDataOperationRequestType.PlaceholderMessageResend,
                    StanzaID = "ABC",
                    PeerDataOperationResult =
                    {
                        new PeerDataOperationRequestResponseMessage.Types.PeerDataOperationResult
                        {
                            PlaceholderMessageResendResponse = new() { WebMessageInfoBytes = resent.ToByteString() },
                        },
                    },
                },
            },
        };

        Assert.Equal(request, Message.Parser.ParseFrom(request.ToByteArray()));
        var parsedResponse = Message.Parser.ParseFrom(response.ToByteArray());
        var bytes = parsedResponse.ProtocolMessage.PeerDataOperationRequestResponseMessage.PeerDataOperationResult[0]
            .PlaceholderMessageResendResponse.WebMessageInfoBytes;
        Assert.Equal(resent, WebMessageInfo.Parser.ParseFrom(bytes));

        // ProtocolMessage.peerDataOperationRequestMessage = field 16 -> tag 0x82 0x01; request type 4 = field 1
        Assert.Equal(new byte[] { 0x82, 0x01 }, new ProtocolMessage { PeerDataOperationRequestMessage = new() }.ToByteArray()[..2]);
        Assert.Equal(new byte[] { 0x08, 0x04 }, new PeerDataOperationRequestMessage { PeerDataOperationRequestType = PeerDataOperationRequestType.PlaceholderMessageResend }.ToByteArray());
        Assert.Equal(16, (int)ProtocolMessage.Types.Type.PeerDataOperationRequestMessage);
    }

    [Fact]
    public void History_on_demand_request_round_trips()
    {
        var request = new PeerDataOperationRequestMessage
        {
            PeerDataOperationRequestType = PeerDataOperationRequestType.HistorySyncOnDemand,
            HistorySyncOnDemandRequest = new()
            {
                ChatJID = "1@s.whatsapp.net",
                OldestMsgID = "X",
                OldestMsgFromMe = true,
                OnDemandMsgCount = 50,
                OldestMsgTimestampMS = 1700000000000,
            },
        };

        Assert.Equal(request, PeerDataOperationRequestMessage.Parser.ParseFrom(request.ToByteArray()));
        // historySyncOnDemandRequest = field 4 -> tag 0x22 right after the type (08 03)
        Assert.Equal(new byte[] { 0x08, 0x03, 0x22 }, request.ToByteArray()[..3]);
    }

    [Fact]
    public void Media_retry_messages_use_upstream_field_numbers()
    {
        var notification = new MediaRetryNotification
        {
            StanzaID = "A",
            DirectPath = "/v/x",
            Result = MediaRetryNotification.Types.ResultType.Success,
            MessageSecret = ByteString.CopyFrom(1),
        };

        Assert.Equal(notification, MediaRetryNotification.Parser.ParseFrom(notification.ToByteArray()));
        Assert.Equal(new byte[] { 0x18, 0x01 }, new MediaRetryNotification { Result = MediaRetryNotification.Types.ResultType.Success }.ToByteArray());
        Assert.Equal(new byte[] { 0x0a, 0x01, 0x41 }, new ServerErrorReceipt { StanzaID = "A" }.ToByteArray());
    }
}
