using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Messages;
using CodeChat.WhatsApp.Proto;
using MessageKey = CodeChat.Grains.Abstractions.Messages.MessageKey;

namespace CodeChat.Session.Tests;

/// <summary>How a waE2E.Message becomes CodeChat's message type, JSON and new.message event.</summary>
public sealed class MessageContentTests
{
    [Fact]
    public void The_type_is_the_content_field_and_carriers_are_skipped()
    {
        var text = MessageContent.From(new Message
        {
            SenderKeyDistributionMessage = new SenderKeyDistributionMessage { GroupID = "120363@g.us" },
            Conversation = "hi",
            MessageContextInfo = new MessageContextInfo(),
        });
        Assert.Equal("conversation", text.MessageType);
        Assert.False(text.IsProtocolOnly);
        using var json = JsonDocument.Parse(text.Json);
        Assert.Equal("hi", json.RootElement.GetProperty("conversation").GetString());

        var quoted = MessageContent.From(new Message { ExtendedTextMessage = new ExtendedTextMessage { Text = "see https://example.com" } });
        Assert.Equal("extendedTextMessage", quoted.MessageType);
    }

    [Fact]
    public void Wrapped_content_reports_the_inner_type_and_protocol_messages_are_not_chat_messages()
    {
        var ephemeralImage = new Message
        {
            EphemeralMessage = new FutureProofMessage { Message = new Message { ImageMessage = new ImageMessage { Caption = "c", FileLength = 12_345 } } },
        };
        var content = MessageContent.From(ephemeralImage);
        Assert.Equal("imageMessage", content.MessageType);
        using var json = JsonDocument.Parse(content.Json);
        // protobuf's JSON mapping: 64-bit numbers as strings
        Assert.Equal("12345", json.RootElement.GetProperty("ephemeralMessage").GetProperty("message").GetProperty("imageMessage").GetProperty("fileLength").GetString());

        Assert.True(MessageContent.From(new Message { ProtocolMessage = new ProtocolMessage() }).IsProtocolOnly);
        Assert.True(MessageContent.From(new Message { SenderKeyDistributionMessage = new SenderKeyDistributionMessage() }).IsProtocolOnly);
    }

    [Theory]
    // Shapes of ids as the apps generate them (Baileys getDevice reads the same).
    [InlineData("3A0123456789ABCDEF01", "ios")]
    [InlineData("3EB0123456789ABCDEF012", "web")]
    [InlineData("ABCDEF0123456789ABCDE", "android")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF", "android")]
    [InlineData("3F0123", "desktop")]
    [InlineData("0123456789ABCDEF01", "desktop")]
    [InlineData("x", "unknown")]
    public void The_sending_app_is_read_from_the_message_id(string id, string device) =>
        Assert.Equal(device, MessageDevice.FromMessageId(id));

    [Fact]
    public void A_new_message_event_has_CodeChat_v3_shape_with_LIDs_and_a_stable_id()
    {
        var stored = new StoredMessage(
            42, new MessageKey("5511999990000@s.whatsapp.net", "3EB0123456789ABCDEF012", false), null,
            "5511999990000@s.whatsapp.net", "123456789012345@lid", "Ana", "conversation", """{"conversation":"oi"}""",
            1_764_763_200, "web", MessageStatus.DeliveryAck);

        var draft = NewMessagePayload.Draft("shop", 7, "5511888880000@s.whatsapp.net", stored);

        Assert.Equal(InstanceEventNames.NewMessage, draft.Event);
        Assert.Equal(
            """{"id":42,"header":{"messageId":"3EB0123456789ABCDEF012","fromMe":false,"wuid":"5511999990000@s.whatsapp.net","wuidLid":"123456789012345@lid","pushName":"Ana"},"body":{"messageType":"conversation","message":{"conversation":"oi"}},"context":{"sourceDevice":"web","messageTimestamp":1764763200,"fromGroup":false}}""",
            draft.DataJson);
        // The same stored message always gives the same event id (the outbox appends it once).
        Assert.Equal(draft.Id, NewMessagePayload.Draft("shop", 7, null, stored).Id);
        Assert.NotEqual(draft.Id, NewMessagePayload.Draft("other", 7, null, stored).Id);
        Assert.NotEqual(draft.Id, NewMessagePayload.Draft("shop", 7, null, stored with { Id = 43 }).Id);

        var inGroup = NewMessagePayload.Draft("shop", 7, null, stored with
        {
            Key = stored.Key with { RemoteJid = "120363000000000001@g.us" },
            Participant = "123456789012345:2@lid",
        });
        using var group = JsonDocument.Parse(inGroup.DataJson);
        var header = group.RootElement.GetProperty("header");
        Assert.Equal("5511999990000@s.whatsapp.net", header.GetProperty("participant").GetString());
        Assert.Equal("123456789012345@lid", header.GetProperty("participantLid").GetString());
        Assert.False(header.TryGetProperty("wuidLid", out _));
        Assert.True(group.RootElement.GetProperty("context").GetProperty("fromGroup").GetBoolean());
    }
}
