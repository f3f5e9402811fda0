using System.Globalization;
using System.Text.Json;
using CodeChat.Api.Instances;

namespace CodeChat.Api.Messages;

/// <summary>
/// Reads typed values from a send body that may have come as JSON or as an urlencoded form (where
/// every value is a string), so <c>"delay":1200</c> and <c>delay=1200</c> mean the same.
/// </summary>
internal static class SendRequestValues
{
    public static bool TryGetInt(JsonElement value, out long number)
    {
        number = 0;
        if (value.ValueKind == JsonValueKind.Number)
            return value.TryGetInt64(out number);
        return JsonRequestBody.TryGetString(value, out var text)
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number);
    }

    public static bool TryGetBool(JsonElement value, out bool flag)
    {
        flag = false;
        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                flag = true;
                return true;
            case JsonValueKind.False:
                return true;
        }
        return JsonRequestBody.TryGetString(value, out var text) && bool.TryParse(text, out flag);
    }

    public static bool TryGetDouble(JsonElement value, out double number)
    {
        number = 0;
        if (value.ValueKind == JsonValueKind.Number)
            return value.TryGetDouble(out number) && double.IsFinite(number);
        return JsonRequestBody.TryGetString(value, out var text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);
    }

    /// <summary>The property's value unless it is absent or JSON null.</summary>
    public static bool TryGetPresent(JsonElement parent, string property, out JsonElement value)
    {
        if (parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(property, out value) && value.ValueKind != JsonValueKind.Null)
            return true;
        value = default;
        return false;
    }
}
