using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Messages;
using CodeChat.Grains.Storage;
using WebMessageInfo = CodeChat.WhatsApp.Proto.WebMessageInfo;
using WaHistorySync = CodeChat.WhatsApp.Proto.HistorySync;

namespace CodeChat.Grains.History;

/// <summary>
/// A person a history chunk names. <paramref name="NameIsFallback"/>: the name comes from old messages
/// or the chat list rather than from the PUSH_NAME chunk's current push names, so it only fills a
/// contact that has no name yet and never replaces one (a repeated bootstrap must not undo PUSH_NAME).
/// </summary>
public sealed record HistoryContact(ContactSighting Sighting, bool NameIsFallback);

/// <summary>A chat a history chunk describes: stored JID (the phone JID of a person when known), LID, name, unread count, newest message time.</summary>
public sealed record HistoryChat(string RemoteJid, string? Lid, string? Name, int UnreadCount, long? LastMessageTimestamp);

/// <summary>
/// One history-sync chunk as the rows we store (whatsapp-protocol.md §9.1): its conversations as chats,
/// their messages, the people it names (conversation names, message push names, the PUSH_NAME chunk's
/// pushnames) and its LID↔phone pairs. What goes where follows Baileys 7's <c>processHistoryMessage</c>
/// (history.js): chats from INITIAL_BOOTSTRAP / RECENT / FULL / ON_DEMAND conversations, contacts from
/// conversations and from PUSH_NAME, LID pairs from <c>phoneNumberToLidMappings</c> and from each
/// conversation's <c>pnJid</c>/<c>lidJid</c>. A person is named by the phone JID when the chunk tells it,
/// as live messages are (InstanceGrain.Messages.cs).
/// </summary>
public sealed record HistoryChunk(
    WaHistorySync.Types.HistorySyncType SyncType,
    uint ChunkOrder,
    uint Progress,
    IReadOnlyList<HistoryChat> Chats,
    IReadOnlyList<NewMessage> Messages,
    IReadOnlyList<HistoryContact> Contacts,
    IReadOnlyList<(string Lid, string PhoneNumber)> LidMappings)
{
    private const string PhoneServer = "@s.whatsapp.net";
    private const string LidServer = "@lid";

    public static HistoryChunk From(WaHistorySync history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var pairs = new List<(string Lid, string PhoneNumber)>();
        foreach (var mapping in history.PhoneNumberToLidMappings)
            AddPair(pairs, mapping.LidJID, mapping.PnJID);
        foreach (var conversation in history.Conversations)
        {
            if (conversation.ID.EndsWith(LidServer, StringComparison.Ordinal))
                AddPair(pairs, conversation.ID, conversation.PnJID);
            else if (conversation.ID.EndsWith(PhoneServer, StringComparison.Ordinal))
                AddPair(pairs, conversation.LidJID, conversation.ID);
        }
        var phoneOfLid = pairs.GroupBy(p => p.Lid).ToDictionary(g => g.Key, g => g.Last().PhoneNumber, StringComparer.Ordinal);
        var lidOfPhone = pairs.GroupBy(p => p.PhoneNumber).ToDictionary(g => g.Key, g => g.Last().Lid, StringComparer.Ordinal);

        var chats = new List<HistoryChat>();
        var messages = new List<NewMessage>();
        var contacts = new List<HistoryContact>();
        var withConversations = history.SyncType is WaHistorySync.Types.HistorySyncType.InitialBootstrap or WaHistorySync.Types.HistorySyncType.Recent
            or WaHistorySync.Types.HistorySyncType.Full or WaHistorySync.Types.HistorySyncType.OnDemand;
        foreach (var conversation in withConversations ? history.Conversations : [])
        {
            if (string.IsNullOrEmpty(conversation.ID))
                continue;
            var (stored, lid) = Person(conversation.ID, phoneOfLid, lidOfPhone);
            var name = FirstNonEmpty(conversation.DisplayName, conversation.Name, conversation.Username);
            long? last = conversation.HasLastMsgTimestamp ? (long)conversation.LastMsgTimestamp
                : conversation.HasConversationTimestamp ? (long)conversation.ConversationTimestamp : null;
            var group = MessageHeaderJson.IsGroup(stored);
            string? latestPushName = null;
            foreach (var item in conversation.Messages)
            {
                if (ToMessage(item.Message, stored, lid, group, phoneOfLid, lidOfPhone) is not { } message)
                    continue;
                messages.Add(message);
                last = Math.Max(last ?? 0, message.MessageTimestamp);
                if (message.Key.FromMe || message.PushName is not { Length: > 0 } pushName)
                    continue;
                if (group && (message.SenderPn ?? message.SenderLid) is not null)
                    contacts.Add(new HistoryContact(new ContactSighting(message.SenderPn, message.SenderLid, pushName), NameIsFallback: true));
                else if (!group)
                    latestPushName ??= pushName;
            }
            if (ChatKinds.Of(stored) == ChatKind.User)
                contacts.Add(new HistoryContact(
                    new ContactSighting(stored.EndsWith(PhoneServer, StringComparison.Ordinal) ? stored : null, lid, latestPushName ?? name),
                    NameIsFallback: true));
            chats.Add(new HistoryChat(stored, lid, name, (int)Math.Min(conversation.UnreadCount, int.MaxValue), last));
        }
        foreach (var pushname in history.Pushnames)
        {
            if (string.IsNullOrEmpty(pushname.ID) || string.IsNullOrEmpty(pushname.Pushname_))
                continue;
            var (stored, lid) = Person(pushname.ID, phoneOfLid, lidOfPhone);
            contacts.Add(new HistoryContact(new ContactSighting(stored.EndsWith(PhoneServer, StringComparison.Ordinal) ? stored : null, lid, pushname.Pushname_), NameIsFallback: false));
        }
        return new HistoryChunk(history.SyncType, history.ChunkOrder, history.Progress, chats, messages, contacts, pairs);
    }

    private static NewMessage? ToMessage(
        WebMessageInfo? info, string chat, string? chatLid, bool group, Dictionary<string, string> phoneOfLid, Dictionary<string, string> lidOfPhone)
    {
        if (info?.Key is not { ID.Length: > 0 } key || info.Message is null)
            return null;
        var content = MessageContent.From(info.Message);
        if (content.IsProtocolOnly)
            return null;
        string? participant = null, senderPn = null, senderLid = null;
        if (group)
        {
            participant = FirstNonEmpty(key.Participant, info.Participant);
            if (!key.FromMe && participant is not null)
                (senderPn, senderLid) = Sender(Person(participant, phoneOfLid, lidOfPhone));
        }
        else if (!key.FromMe)
        {
            (senderPn, senderLid) = (chat.EndsWith(PhoneServer, StringComparison.Ordinal) ? chat : null, chatLid);
        }
        return new NewMessage(
            new MessageKey(chat, key.ID, key.FromMe),
            participant,
            senderPn,
            senderLid,
            key.FromMe ? null : FirstNonEmpty(info.PushName),
            content.MessageType,
            content.Json,
            (long)info.MessageTimestamp,
            MessageDevice.FromMessageId(key.ID),
            info.HasStatus ? (MessageStatus)(short)info.Status : key.FromMe ? MessageStatus.ServerAck : MessageStatus.DeliveryAck);
    }

    private static (string? Pn, string? Lid) Sender((string Stored, string? Lid) person) =>
        (person.Stored.EndsWith(PhoneServer, StringComparison.Ordinal) ? person.Stored : null, person.Lid);

    /// <summary>A user JID as we store it: the phone JID when the chunk pairs the LID with one, and the LID beside it.</summary>
    private static (string Stored, string? Lid) Person(string jid, Dictionary<string, string> phoneOfLid, Dictionary<string, string> lidOfPhone)
    {
        if (jid.EndsWith(LidServer, StringComparison.Ordinal))
            return (phoneOfLid.GetValueOrDefault(jid) ?? jid, jid);
        return (jid, jid.EndsWith(PhoneServer, StringComparison.Ordinal) ? lidOfPhone.GetValueOrDefault(jid) : null);
    }

    private static void AddPair(List<(string Lid, string PhoneNumber)> pairs, string? lid, string? phoneNumber)
    {
        if (lid is { Length: > 0 } l && l.EndsWith(LidServer, StringComparison.Ordinal)
            && phoneNumber is { Length: > 0 } p && p.EndsWith(PhoneServer, StringComparison.Ordinal))
            pairs.Add((l, p));
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v));
}
