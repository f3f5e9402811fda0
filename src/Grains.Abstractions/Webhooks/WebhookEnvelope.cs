using System.Buffers;
using System.Globalization;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;

namespace CodeChat.Grains.Abstractions.Webhooks;

/// <summary>
/// The body every webhook POST and every event-stream frame carries (api-contract.md §3):
/// <c>{id, sequence, event, instance{name, id, owner}, data, date}</c>. <c>data</c> is the stored
/// payload verbatim and <c>date</c> the event's time in ISO 8601 UTC with milliseconds, so the bytes
/// are the same on every attempt.
/// </summary>
public static class WebhookEnvelope
{
    public static byte[] Serialize(InstanceEventRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(256 + record.DataJson.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", record.Id);
            writer.WriteNumber("sequence", record.Sequence);
            writer.WriteString("event", record.Event);
            writer.WriteStartObject("instance");
            writer.WriteString("name", record.InstanceName);
            writer.WriteNumber("id", record.InstanceId);
            if (record.OwnerJid is null)
                writer.WriteNull("owner");
            else
                writer.WriteString("owner", record.OwnerJid);
            writer.WriteEndObject();
            writer.WritePropertyName("data");
            writer.WriteRawValue(record.DataJson, skipInputValidation: true);
            writer.WriteString("date", FormatDate(record.CreatedAt));
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string FormatDate(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
