using System.Text;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Events;
using CodeChat.Grains.Storage;

namespace CodeChat.Grains.Chats;

/// <summary>
/// The events about chats and contacts and the JSON of their rows (the find routes write the same rows).
/// <c>chats.upsert</c> is CodeChat 1.3's array with one Chat row (codechat-api.md §7.2) plus the chat's
/// <c>lid</c>, <c>type</c>, <c>name</c> and <c>lastMessageTimestamp</c>; <c>contacts.upsert</c> and
/// <c>contacts.update</c> are arrays of v3's contact <c>{contactName, phoneNumber, wuid, profilePictureUrl,
/// instanceName}</c> (Appendix B) plus <c>wuidLid</c> and <c>username</c> (api-contract.md §3: both the
/// phone JID and the LID when known).
/// </summary>
public static class ChatEventPayloads
{
    /// <summary>The events a message's sighting raises, in the order they happened: the chat, then its sender.</summary>
    public static IEnumerable<InstanceEventDraft> For(ChatSightingOutcome outcome, string instanceName, long instanceId, string? ownerJid)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.NewChat is { } chat)
            yield return new InstanceEventDraft(instanceName, instanceId, ownerJid, InstanceEventNames.ChatsUpsert, Array(w => ChatRowJson.WriteChat(w, chat, instanceId)));
        if (outcome.NewContact is { } added)
            yield return new InstanceEventDraft(instanceName, instanceId, ownerJid, InstanceEventNames.ContactsUpsert, Array(w => WriteContactEvent(w, added, instanceName)));
        if (outcome.ChangedContact is { } changed)
            yield return new InstanceEventDraft(instanceName, instanceId, ownerJid, InstanceEventNames.ContactsUpdate, Array(w => WriteContactEvent(w, changed, instanceName)));
    }

    /// <summary><c>chats.upsert</c> for a chat first met through app state.</summary>
    public static InstanceEventDraft ChatUpserted(ChatView chat, string instanceName, long instanceId, string? ownerJid) =>
        new(instanceName, instanceId, ownerJid, InstanceEventNames.ChatsUpsert, Array(w => ChatRowJson.WriteChat(w, chat, instanceId)));

    /// <summary><c>contacts.upsert</c> (new) or <c>contacts.update</c> (changed) for one contact.</summary>
    public static InstanceEventDraft ContactChanged(ContactView contact, bool inserted, string instanceName, long instanceId, string? ownerJid) =>
        new(instanceName, instanceId, ownerJid, inserted ? InstanceEventNames.ContactsUpsert : InstanceEventNames.ContactsUpdate,
            Array(w => WriteContactEvent(w, contact, instanceName)));

    /// <summary>
    /// <c>chats.update</c> in CodeChat 1.3's shape, an array of <c>{remoteJid, instanceId, content}</c> (codechat-api.md
    /// §7.2) plus the chat's <c>lid</c>; <c>content</c> is the change as Baileys reports it in its own
    /// <c>chats.update</c>: <c>{id, archived}</c>, <c>{id, pinned}</c> (ms or null), <c>{id, muteEndTime}</c>
    /// (ms or null), <c>{id, unreadCount}</c> (0 read, -1 marked unread) or <c>{id, deleted: true}</c>.
    /// </summary>
    public static InstanceEventDraft ChatUpdated(string remoteJid, string? lid, Action<Utf8JsonWriter> content, string instanceName, long instanceId, string? ownerJid) =>
        new(instanceName, instanceId, ownerJid, InstanceEventNames.ChatsUpdate, Array(w =>
        {
            w.WriteStartObject();
            w.WriteString("remoteJid", remoteJid);
            ChatRowJson.WriteOptional(w, "lid", lid);
            w.WriteNumber("instanceId", instanceId);
            w.WriteStartObject("content");
            w.WriteString("id", remoteJid);
            content(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }));

    /// <summary>
    /// <c>presence.update</c> in CodeChat 1.3's (Baileys') shape: <c>{id: chat, presences: {jid: {lastKnownPresence, lastSeen?}}}</c>.
    /// </summary>
    public static InstanceEventDraft PresenceUpdate(
        string instanceName, long instanceId, string? ownerJid, string chat, string participant, string presence, long? lastSeen)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", chat);
            writer.WriteStartObject("presences");
            writer.WriteStartObject(participant);
            writer.WriteString("lastKnownPresence", presence);
            if (lastSeen is { } seen)
                writer.WriteNumber("lastSeen", seen);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return new InstanceEventDraft(instanceName, instanceId, ownerJid, InstanceEventNames.PresenceUpdate, Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteContactEvent(Utf8JsonWriter writer, ContactView contact, string instanceName)
    {
        var phone = contact.RemoteJid.EndsWith("@s.whatsapp.net", StringComparison.Ordinal) ? contact.RemoteJid : null;
        writer.WriteStartObject();
        // The phone's address-book name (app state) when it has one, else what the contact calls itself.
        ChatRowJson.WriteNullable(writer, "contactName", contact.Name ?? contact.PushName);
        ChatRowJson.WriteNullable(writer, "phoneNumber", phone?[..phone.IndexOf('@', StringComparison.Ordinal)]);
        writer.WriteString("wuid", contact.RemoteJid);
        ChatRowJson.WriteOptional(writer, "wuidLid", contact.Lid);
        ChatRowJson.WriteOptional(writer, "username", contact.Username);
        ChatRowJson.WriteNullable(writer, "profilePictureUrl", contact.ProfilePicUrl);
        writer.WriteString("instanceName", instanceName);
        writer.WriteEndObject();
    }

    private static string Array(Action<Utf8JsonWriter> item)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            item(writer);
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
