using System.Text.Json;
using CodeChat.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace CodeChat.Api.Instances;

/// <summary>
/// Reads a request body as a JSON object by hand, so malformed JSON and wrong types become
/// CodeChat's <c>{property, message}</c> failures rather than framework errors.
/// </summary>
public static class JsonRequestBody
{
    /// <summary>The body's root object (an empty body counts as <c>{}</c>), or the failure that prevents reading it.</summary>
    public static async Task<(JsonElement Body, ValidationFailure? Failure)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            return (EmptyObject(), null);

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), null)
                : (EmptyObject(), new ValidationFailure("instance", "instance is not of a type(s) object"));
        }
        catch (JsonException exception)
        {
            var where = exception.LineNumber is { } line ? $" (line {line + 1}, position {exception.BytePositionInLine + 1})" : "";
            return (EmptyObject(), new ValidationFailure("body", $"The request body is not valid JSON{where}"));
        }
    }

    /// <summary>A property's string value; a failure when present with another type or empty.</summary>
    public static (string? Value, ValidationFailure? Failure) OptionalNonEmptyString(JsonElement body, string property)
    {
        if (!body.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
            return (null, null);
        if (value.ValueKind != JsonValueKind.String)
            return (null, new ValidationFailure(property, $"{property} is not of a type(s) string"));
        var text = value.GetString()!;
        return text.Length == 0
            ? (null, new ValidationFailure(property, $"{property} does not meet minimum length of 1"))
            : (text, null);
    }

    /// <summary>A property's raw JSON text, or null when absent or JSON null.</summary>
    public static string? OptionalRawJson(JsonElement body, string property) =>
        body.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetRawText() : null;

    public static ValidationFailure Missing(string property) => new("instance", $"instance requires property \"{property}\"");

    private static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }
}
