using System.Globalization;
using System.Text.Json;

namespace CodeChat.Grains.Abstractions.Chats;

/// <summary>
/// The JSON of chat and contact rows, shared by the find routes and the events that carry the same
/// rows (<c>chats.upsert</c>), so both always agree. Dates are ISO 8601 UTC with milliseconds.
/// </summary>
public static class ChatRowJson
{
    /// <summary>A Chat row as findChats and <c>chats.upsert</c> show it.</summary>
    public static void WriteChat(Utf8JsonWriter writer, ChatView chat, long instanceId)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(chat);
        writer.WriteStartObject();
        writer.WriteNumber("id", chat.Id);
        writer.WriteString("remoteJid", chat.RemoteJid);
        WriteOptional(writer, "lid", chat.Lid);
        writer.WriteString("type", ChatKinds.Name(chat.Kind));
        WriteOptional(writer, "name", chat.Name);
        if (chat.LastMessageTimestamp is { } last)
            writer.WriteNumber("lastMessageTimestamp", last);
        // What app state says about the chat (archive, pin, mute, marked unread on a device).
        writer.WriteBoolean("archived", chat.Archived);
        if (chat.PinnedAt is { } pinned)
            writer.WriteNumber("pinned", pinned);
        if (chat.MuteEndTime is { } muted)
            writer.WriteNumber("muteEndTime", muted);
        if (chat.MarkedUnread)
            writer.WriteBoolean("markedUnread", true);
        writer.WriteString("createdAt", Iso(chat.CreatedAt));
        writer.WriteString("updatedAt", Iso(chat.UpdatedAt));
        writer.WriteNumber("instanceId", instanceId);
        writer.WriteEndObject();
    }

    /// <summary>A Contact row as findContacts shows it: 1.3's columns plus <c>lid</c>, <c>username</c> and the address-book <c>name</c> (app state).</summary>
    public static void WriteContactRow(Utf8JsonWriter writer, ContactView contact, long instanceId)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(contact);
        writer.WriteStartObject();
        writer.WriteNumber("id", contact.Id);
        writer.WriteString("remoteJid", contact.RemoteJid);
        WriteOptional(writer, "lid", contact.Lid);
        WriteNullable(writer, "pushName", contact.PushName);
        WriteOptional(writer, "name", contact.Name);
        WriteOptional(writer, "username", contact.Username);
        WriteNullable(writer, "profilePicUrl", contact.ProfilePicUrl);
        writer.WriteString("createdAt", Iso(contact.CreatedAt));
        writer.WriteString("updatedAt", Iso(contact.UpdatedAt));
        writer.WriteNumber("instanceId", instanceId);
        writer.WriteEndObject();
    }

    public static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is not null)
            writer.WriteString(name, value);
    }

    public static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
            writer.WriteNull(name);
        else
            writer.WriteString(name, value);
    }

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
