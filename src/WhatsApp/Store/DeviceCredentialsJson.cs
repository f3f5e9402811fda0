using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeChat.WhatsApp.Store;

/// <summary>
/// JSON form of <see cref="DeviceCredentials"/> (byte arrays as base64) for stores that keep the
/// credentials in one column. The output contains private keys: store it, never log it.
/// </summary>
public static class DeviceCredentialsJson
{
    public static byte[] Serialize(DeviceCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return JsonSerializer.SerializeToUtf8Bytes(credentials, DeviceCredentialsJsonContext.Default.DeviceCredentials);
    }

    /// <exception cref="JsonException">The bytes are not a credentials document.</exception>
    public static DeviceCredentials Deserialize(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, DeviceCredentialsJsonContext.Default.DeviceCredentials)
        ?? throw new JsonException("The credentials document is null.");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, IgnoreReadOnlyProperties = true)]
[JsonSerializable(typeof(DeviceCredentials))]
[JsonSerializable(typeof(PreKeyRecord))]
internal sealed partial class DeviceCredentialsJsonContext : JsonSerializerContext;
