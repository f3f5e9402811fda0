using System.Text.Json;

namespace CodeChat.WhatsApp.Tests.Binary;

/// <summary>Reads the known-answer vectors (whatsapp-protocol.md §12) copied next to the test binaries.</summary>
internal static class BinaryVectors
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> All = new(Load);

    public static string Get(string key) =>
        All.Value.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"vectors.json has no key '{key}'.");

    public static byte[] Hex(string key) => Convert.FromHexString(Get(key));

    /// <summary>Names of the binary.* vectors that have a ".decoded" form.</summary>
    public static IEnumerable<string> DecodedBinaryKeys() =>
        All.Value.Keys.Where(k => k.StartsWith("binary.", StringComparison.Ordinal) && All.Value.ContainsKey(k + ".decoded"));

    private static IReadOnlyDictionary<string, string> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Vectors", "vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                result[property.Name] = property.Value.GetString()!;
            }
        }
        return result;
    }
}
