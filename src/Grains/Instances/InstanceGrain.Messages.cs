using System.Runtime.CompilerServices;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Messages;
using CodeChat.Grains.Sessions;
using WaMessage = CodeChat.WhatsApp.Proto.Message;

namespace CodeChat.Grains.Instances;

/// <summary>
/// Incoming messages: stored, with their event, before the session's client sends WhatsApp the
/// delivery receipt (the durable hook awaits this). Revokes and edits change the stored message
/// they name instead (InstanceGrain.Protocol.cs).
/// </summary>
public sealed partial class InstanceGrain
{
    private async Task StoreIncomingAsync(ReceivedMessage received, CancellationToken cancellationToken)
    {
        var message = WaMessage.Parser.ParseFrom(received.Message);
        var chat = StoredChatOf(received);
        if (await TryApplyRevisionAsync(received, message, chat, cancellationToken))
            return;

        if (await TryStoreAppStateKeysAsync(received, message, cancellationToken))
            return;

        var content = MessageContent.From(message);
        if (content.IsProtocolOnly)
        {
            // History-sync notices, key shares and the like change the session, not a chat.
            LogProtocolMessageSkipped(Name, received.Id, content.MessageType);
            return;
        }

        var withParticipant = MessageHeaderJson.IsGroup(chat) || chat.EndsWith("@broadcast", StringComparison.Ordinal);
        var (chatSighting, sender) = SightingOf(received, chat);
        var saved = await messages.SaveAsync(Name, new NewMessage(
            new MessageKey(chat, received.Id, received.FromMe),
            Participant: withParticipant ? received.Sender : null,
            SenderPn: received.SenderPhoneNumber,
            SenderLid: received.SenderLid,
            PushName: received.PushName,
            MessageType: content.MessageType,
            ContentJson: content.Json,
            MessageTimestamp: received.Timestamp.ToUnixTimeSeconds(),
            Device: MessageDevice.FromMessageId(received.Id),
            // Received by this device: delivered. Our own sends from another device were sent.
            Status: received.FromMe ? MessageStatus.ServerAck : MessageStatus.DeliveryAck), timeProvider.GetUtcNow(),
            RecordChat(chatSighting, sender, new StrongBox<int>()), cancellationToken);

        var mediaBase64 = await InlineMediaAsync(message, saved, cancellationToken);
        await AppendAsync(NewMessagePayload.Draft(Name, state.State.Id, state.State.OwnerJid, saved.Message,
            IncomingEventNames.For(chat, content.MessageType), mediaBase64, PublicMediaPath(message, saved)), cancellationToken);
        LogMessageStored(Name, received.Id, saved.Message.Id, saved.Created);
    }

    /// <summary>
    /// The chat a message is stored under. A 1:1 chat is named by the contact's phone JID when we know
    /// it, whatever the stanza was addressed by (LID-addressed chats), so one contact is one chat; the
    /// LID stays beside it.
    /// </summary>
    private static string StoredChatOf(ReceivedMessage received) =>
        !MessageHeaderJson.IsGroup(received.Chat) && !received.FromMe && received.Chat.EndsWith("@lid", StringComparison.Ordinal)
            && received.SenderPhoneNumber is { } phone
            ? phone
            : received.Chat;
}
