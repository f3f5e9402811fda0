using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Proto;
using WaCommonKey = CodeChat.WhatsApp.Proto.MessageKey;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// The <c>edit</c> attribute of an outgoing stanza, as whatsmeow's <c>getEditAttribute</c> (send.go) and
/// <c>types.EditAttribute</c> (types/message.go: "1" message edit, "7" sender revoke, "8" admin revoke)
/// and Baileys 7's <c>relayMessage</c> (messages-send.js: delete → "7", or "8" in a group when not
/// fromMe; edit → "1") set it.
/// </summary>
public sealed class OutgoingMessageTypeTests
{
    private static WaCommonKey Key(bool fromMe)
    {
        var key = new WaCommonKey { RemoteJID = "120363001234567890@g.us", FromMe = fromMe, ID = "3EB0A1B2C3D4E5F60718" };
        if (!fromMe)
            key.Participant = "15550000002@s.whatsapp.net";
        return key;
    }

    [Fact]
    public void Revoking_our_own_message_is_a_sender_revoke_and_someone_elses_an_admin_revoke()
    {
        var ours = new Message { ProtocolMessage = new ProtocolMessage { Key = Key(fromMe: true), Type = ProtocolMessage.Types.Type.Revoke } };
        var theirs = new Message { ProtocolMessage = new ProtocolMessage { Key = Key(fromMe: false), Type = ProtocolMessage.Types.Type.Revoke } };

        Assert.Equal("7", OutgoingMessageType.EditAttribute(ours));
        Assert.Equal("8", OutgoingMessageType.EditAttribute(theirs));
        Assert.Equal("text", OutgoingMessageType.StanzaType(ours));
    }

    [Fact]
    public void An_edit_is_1_bare_as_Baileys_sends_it_or_wrapped_as_whatsmeow_does()
    {
        var edit = new ProtocolMessage
        {
            Key = Key(fromMe: true),
            Type = ProtocolMessage.Types.Type.MessageEdit,
            EditedMessage = new Message { Conversation = "fixed" },
            TimestampMS = 1764763200000,
        };

        Assert.Equal("1", OutgoingMessageType.EditAttribute(new Message { ProtocolMessage = edit }));
        Assert.Equal("1", OutgoingMessageType.EditAttribute(new Message { EditedMessage = new FutureProofMessage { Message = new Message { ProtocolMessage = edit } } }));
    }

    [Fact]
    public void A_removed_reaction_is_a_sender_revoke_and_ordinary_messages_carry_no_edit()
    {
        var removed = new Message { ReactionMessage = new ReactionMessage { Key = Key(fromMe: false), Text = "" } };
        var added = new Message { ReactionMessage = new ReactionMessage { Key = Key(fromMe: false), Text = "👍" } };
        // A protocol message without a type is not a revoke, although REVOKE is the enum's zero value.
        var untyped = new Message { ProtocolMessage = new ProtocolMessage { Key = Key(fromMe: true) } };

        Assert.Equal("7", OutgoingMessageType.EditAttribute(removed));
        Assert.Null(OutgoingMessageType.EditAttribute(added));
        Assert.Null(OutgoingMessageType.EditAttribute(untyped));
        Assert.Null(OutgoingMessageType.EditAttribute(new Message { Conversation = "hello" }));
    }
}
