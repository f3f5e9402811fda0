using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>
/// Writes <see cref="InstanceConnectionState"/> as CodeChat's word ("open"), and reads it back, so the
/// stored instance state keeps the text it had when the states were strings.
/// </summary>
public sealed class InstanceConnectionStateJsonConverter : JsonConverter<InstanceConnectionState>
{
    public override InstanceConnectionState Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return InstanceConnectionStateText.TryParse(text, out var state)
            ? state
            : throw new JsonException($"'{text}' is not a connection state (close, connecting, open, refused).");
    }

    public override void Write(Utf8JsonWriter writer, InstanceConnectionState value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToText());
}
