using System.Text.Json;

namespace CodeChat.WhatsApp.Tests.Crypto;

/// <summary>
/// Reads the published known-answer vectors (Vectors/vectors.json, a copy of
/// /work/shared/docs/whatsapp-vectors/vectors.json; whatsapp-protocol.md §12) by key.
/// </summary>
internal static class KnownAnswers
{
    private static readonly Lazy<IReadOnlyDictionary<string, JsonElement>> Entries = new(Load);

    public static byte[] Hex(string key) => Convert.FromHexString(Text(key));

    public static string Text(string key) =>
        Entries.Value.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new KeyNotFoundException($"vectors.json has no string entry '{key}'.");

    public static long Number(string key) =>
        Entries.Value.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetInt64()
            : throw new KeyNotFoundException($"vectors.json has no number entry '{key}'.");

    public static byte[] FromHex(string hex) => Convert.FromHexString(hex);

    private static IReadOnlyDictionary<string, JsonElement> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Vectors", "vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }
}
