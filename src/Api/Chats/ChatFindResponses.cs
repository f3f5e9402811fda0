using System.Text.Json;
using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Abstractions.Messages;

namespace CodeChat.Api.Chats;

/// <summary>
/// findMessages' answer in CodeChat 1.3's shape, <c>{messages: {total, pages, currentPage, records}}</c>,
/// each record a stored message row with its <c>MessageUpdate</c> list; plus <c>keyLid</c> /
/// <c>keyParticipantLid</c> (the sender's LID, api-contract.md §3) and the current <c>messageStatus</c>.
/// </summary>
public static class ChatFindResponses
{
    public static void WriteMessagePage(Utf8JsonWriter writer, MessagePage page, long instanceId)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(page);
        writer.WriteStartObject();
        writer.WriteStartObject("messages");
        writer.WriteNumber("total", page.Total);
        writer.WriteNumber("pages", page.Pages);
        writer.WriteNumber("currentPage", page.CurrentPage);
        writer.WriteStartArray("records");
        foreach (var record in page.Records)
            WriteRecord(writer, record, instanceId);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static void WriteArray<T>(Utf8JsonWriter writer, IEnumerable<T> items, Action<Utf8JsonWriter, T> item)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(item);
        writer.WriteStartArray();
        foreach (var one in items)
            item(writer, one);
        writer.WriteEndArray();
    }

    private static void WriteRecord(Utf8JsonWriter writer, MessageRecordView record, long instanceId)
    {
        writer.WriteStartObject();
        writer.WriteNumber("id", record.Id);
        writer.WriteString("keyId", record.KeyId);
        writer.WriteBoolean("keyFromMe", record.KeyFromMe);
        writer.WriteString("keyRemoteJid", record.KeyRemoteJid);
        // The sender's LID: of the chat's person in a 1:1 chat, of the participant in a group.
        if (record.KeyParticipant is null)
        {
            if (!record.KeyFromMe)
                ChatRowJson.WriteOptional(writer, "keyLid", record.SenderLid);
        }
        else
            ChatRowJson.WriteOptional(writer, "keyParticipantLid", record.SenderLid);
        ChatRowJson.WriteNullable(writer, "keyParticipant", record.KeyParticipant);
        ChatRowJson.WriteNullable(writer, "pushName", record.PushName);
        writer.WriteString("messageType", record.MessageType);
        writer.WritePropertyName("content");
        writer.WriteRawValue(record.ContentJson, skipInputValidation: true);
        writer.WriteNumber("messageTimestamp", record.MessageTimestamp);
        writer.WriteNumber("instanceId", instanceId);
        ChatRowJson.WriteNullable(writer, "device", record.Device);
        writer.WriteString("messageStatus", MessageStatusNames.Of(record.Status));
        writer.WriteStartArray("MessageUpdate");
        foreach (var update in record.Updates)
        {
            writer.WriteStartObject();
            writer.WriteString("status", MessageStatusNames.Of(update.Status));
            writer.WriteString("dateTime", ChatRowJson.Iso(update.DateTime));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
