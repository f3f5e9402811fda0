using System.Text;
using System.Text.Json;
using CodeChat.Api.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace CodeChat.Api.Instances;

/// <summary>
/// Reads a request body as a JSON object by hand, so malformed JSON and wrong types become
/// CodeChat's <c>{property, message}</c> failures rather than framework errors. A body sent as
/// <c>application/x-www-form-urlencoded</c> is read into the same object (<see cref="UrlEncodedForm"/>),
/// as CodeChat 1.3 accepts both on every route that takes a body (api-contract.md §6).
/// </summary>
public static class JsonRequestBody
{
    /// <summary>The body's root object (an empty body counts as <c>{}</c>), or the failure that prevents reading it.</summary>
    public static async Task<(JsonElement Body, ValidationFailure? Failure)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (IsUrlEncodedForm(request, out var encoding))
            return await ReadFormAsync(request, encoding, cancellationToken);

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

    private static bool IsUrlEncodedForm(HttpRequest request, out Encoding encoding)
    {
        encoding = Encoding.UTF8;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals(UrlEncodedForm.MediaType, StringComparison.OrdinalIgnoreCase))
            return false;
        if (contentType.Encoding is { } declared)
            encoding = declared;
        return true;
    }

    private static async Task<(JsonElement Body, ValidationFailure? Failure)> ReadFormAsync(
        HttpRequest request, Encoding encoding, CancellationToken cancellationToken)
    {
        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> fields;
        try
        {
            using var reader = new FormReader(request.Body, encoding);
            fields = await reader.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException exception)
        {
            // FormReader's limits: too many fields, or a key or value too long.
            return (EmptyObject(), new ValidationFailure("body", $"The form body cannot be read: {exception.Message}"));
        }

        var (form, failure) = UrlEncodedForm.ToJsonObject(fields);
        if (failure is not null)
            return (EmptyObject(), failure);
        using var document = JsonDocument.Parse(form!.ToJsonString());
        return (document.RootElement.Clone(), null);
    }

    /// <summary>A property's string value; a failure when present with another type or empty.</summary>
    public static (string? Value, ValidationFailure? Failure) OptionalNonEmptyString(JsonElement body, string property)
    {
        if (!body.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
            return (null, null);
        if (!TryGetString(value, out var text))
            return (null, NotAString(property));
        return text.Length == 0
            ? (null, new ValidationFailure(property, $"{property} does not meet minimum length of 1"))
            : (text, null);
    }

    /// <summary>
    /// The string value of a JSON string. False for other kinds, and for a string that no .NET string
    /// can hold (a lone surrogate written as a <c>\u</c> escape), which the reader would throw on.
    /// </summary>
    public static bool TryGetString(JsonElement value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        text = null;
        if (value.ValueKind != JsonValueKind.String)
            return false;
        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static ValidationFailure NotAString(string property) => new(property, $"{property} is not of a type(s) string");

    public static ValidationFailure NotABoolean(string property) => new(property, $"{property} is not of a type(s) boolean");

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
