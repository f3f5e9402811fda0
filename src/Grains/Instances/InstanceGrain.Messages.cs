using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Messages;
using CodeChat.Grains.Sessions;
using WaMessage = CodeChat.WhatsApp.Proto.Message;

namespace CodeChat.Grains.Instances;

/// <summary>
/// Incoming messages: stored, with their <c>new.message</c> event, before the session's client
/// sends WhatsApp the delivery receipt (the durable hook awaits this).
/// </summary>
public sealed partial class InstanceGrain
{
    private async Task StoreIncomingAsync(ReceivedMessage received, CancellationToken cancellationToken)
    {
        var content = MessageContent.From(WaMessage.Parser.ParseFrom(received.Message));
        if (content.IsProtocolOnly)
        {
            // Revokes, edits' protocol side, history-sync notices and key shares change other
            // messages or the session; they are not messages of the chat.
            LogProtocolMessageSkipped(Name, received.Id, content.MessageType);
            return;
        }

        var isGroup = received.Chat.EndsWith("@g.us", StringComparison.Ordinal);
        // A 1:1 chat is named by the contact's phone JID when we know it, whatever the stanza was
        // addressed by (LID-addressed chats), so one contact is one chat; the LID stays beside it.
        var chat = !isGroup && !received.FromMe && received.Chat.EndsWith("@lid", StringComparison.Ordinal) && received.SenderPhoneNumber is { } phone
            ? phone
            : received.Chat;
        var saved = await messages.SaveAsync(Name, new NewMessage(
            new MessageKey(chat, received.Id, received.FromMe),
            Participant: isGroup ? received.Sender : null,
            SenderPn: received.SenderPhoneNumber,
            SenderLid: received.SenderLid,
            PushName: received.PushName,
            MessageType: content.MessageType,
            ContentJson: content.Json,
            MessageTimestamp: received.Timestamp.ToUnixTimeSeconds(),
            Device: MessageDevice.FromMessageId(received.Id),
            // Received by this device: delivered. Our own sends from another device were sent.
            Status: received.FromMe ? MessageStatus.ServerAck : MessageStatus.DeliveryAck), timeProvider.GetUtcNow(), cancellationToken);

        await AppendAsync(NewMessagePayload.Draft(Name, state.State.Id, state.State.OwnerJid, saved.Message), cancellationToken);
        LogMessageStored(Name, received.Id, saved.Message.Id, saved.Created);
    }
}
