using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeChat.Api.Json;

/// <summary>How the API writes JSON: camelCase, nulls kept, dates as CodeChat (Prisma) writes them.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        options.Converters.Add(new IsoUtcMillisecondsConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
