using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeChat.Api.Json;

/// <summary>Writes "2024-05-01T12:34:56.789Z", the shape JavaScript's Date.toJSON gives CodeChat clients.</summary>
public sealed class IsoUtcMillisecondsConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
