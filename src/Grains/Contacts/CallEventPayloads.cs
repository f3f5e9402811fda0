using System.Text;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Events;
using CodeChat.Grains.Messages;

namespace CodeChat.Grains.Contacts;

/// <summary>
/// <c>call.upsert</c> in CodeChat 1.3's (Baileys') shape, one call step per event (codechat-api.md §7.2):
/// <c>{chatId, from, callerPn?, id, date, isVideo, isGroup, groupJid?, status, offline}</c>.
/// </summary>
public static class CallEventPayloads
{
    public static InstanceEventDraft CallUpsert(string instanceName, long instanceId, string? ownerJid, CallEventData call)
    {
        ArgumentNullException.ThrowIfNull(call);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("chatId", call.ChatId);
            writer.WriteString("from", call.From);
            if (call.CallerPn is { } callerPn)
                writer.WriteString("callerPn", callerPn);
            writer.WriteString("id", call.CallId);
            writer.WriteString("date", call.Date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteBoolean("isVideo", call.IsVideo);
            writer.WriteBoolean("isGroup", call.IsGroup);
            if (call.GroupJid is { } group)
                writer.WriteString("groupJid", group);
            writer.WriteString("status", call.Status);
            writer.WriteBoolean("offline", call.Offline);
            writer.WriteEndObject();
        }
        return new InstanceEventDraft(instanceName, instanceId, ownerJid, InstanceEventNames.CallUpsert, Encoding.UTF8.GetString(buffer.ToArray()))
        {
            // The same step offered again (our ack was lost) is the same event.
            Id = NamedEventId.From($"{InstanceEventNames.CallUpsert}\n{instanceName}\n{call.CallId}\n{call.Status}"),
        };
    }
}
