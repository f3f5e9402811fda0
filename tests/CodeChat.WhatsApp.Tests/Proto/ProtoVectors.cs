using System.Text.Json;

namespace CodeChat.WhatsApp.Tests.Proto;

/// <summary>
/// Reads the known-answer vectors (Vectors/vectors.json, copied from
/// /work/shared/docs/whatsapp-vectors/vectors.json; whatsapp-protocol.md §12).
/// Kept local to the protobuf tests so this folder does not depend on helpers owned elsewhere.
/// </summary>
internal static class ProtoVectors
{
    private static readonly Lazy<JsonElement> Root = new(Load);

    public static byte[] Hex(string key) => Convert.FromHexString(String(key));

    public static string String(string key)
    {
        var value = Root.Value.GetProperty(key);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : value.GetRawText();
    }

    public static long Number(string key) => Root.Value.GetProperty(key).GetInt64();

    private static JsonElement Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Vectors", "vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.Clone();
    }
}
