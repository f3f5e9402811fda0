using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CodeChat.Api.Tests;

/// <summary>
/// The OpenAPI document the silo host serves (it maps every endpoint group, as the stand-alone API
/// host does): every operation shows what to send and what comes back, with examples, and the error
/// answers its filters and handlers can give.
/// </summary>
public sealed class SwaggerDocumentTests(SiloApiFixture fixture) : IClassFixture<SiloApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string JsonMediaType = "application/json";
    private const string FormMediaType = "application/x-www-form-urlencoded";
    private const string MultipartMediaType = "multipart/form-data";

    [Fact]
    public async Task Every_operation_has_example_bodies_a_success_answer_and_its_error_answers()
    {
        var response = await fixture.Factory.CreateClient().GetAsync("/docs/v1/swagger.json", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var root = document.RootElement;
        var documentIsKeyed = root.TryGetProperty("security", out var documentSecurity) && documentSecurity.GetArrayLength() > 0;

        var problems = new List<string>();
        var operationCount = 0;
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                operationCount++;
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                problems.AddRange(RequestBodyProblems(root, operation.Value).Select(problem => $"{name}: {problem}"));
                problems.AddRange(SuccessProblems(operation.Value).Select(problem => $"{name}: {problem}"));
                problems.AddRange(ErrorProblems(path.Name, operation.Value, documentIsKeyed).Select(problem => $"{name}: {problem}"));
                problems.AddRange(ExampleMismatches(root, operation.Value).Select(problem => $"{name}: {problem}"));
            }
        }

        // A guard against walking an empty or truncated document and passing.
        Assert.True(operationCount >= 70, $"only {operationCount} operations in the document");
        problems.AddRange(UndocumentedRoutes(root));
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) in the OpenAPI document:\n" + string.Join("\n", problems));
    }

    /// <summary>A body (JSON, form or multipart) comes with an example of what to send.</summary>
    private static IEnumerable<string> RequestBodyProblems(JsonElement root, JsonElement operation)
    {
        if (!operation.TryGetProperty("requestBody", out var body))
            yield break;
        if (!body.TryGetProperty("content", out var content) || !content.EnumerateObject().Any())
        {
            yield return "request body without a media type";
            yield break;
        }
        foreach (var media in content.EnumerateObject())
        {
            if (media.Name == MultipartMediaType)
            {
                // A file upload: the fields must be listed, and each shown with a value but the file
                // itself (format binary), which is picked rather than typed.
                var schema = Resolve(root, media.Value.TryGetProperty("schema", out var s) ? s : default);
                if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var fields)
                    || !fields.EnumerateObject().Any())
                {
                    yield return $"{media.Name} request without a schema listing its fields";
                    continue;
                }
                if (HasExample(media.Value))
                    continue;
                foreach (var field in fields.EnumerateObject().Where(field => !IsFile(Resolve(root, field.Value)) && !HasExample(Resolve(root, field.Value))))
                    yield return $"{media.Name} request field '{field.Name}' without an example (and no example of the whole form)";
            }
            else if (!HasExample(media.Value))
            {
                yield return $"{media.Name} request body without an example";
            }
        }
    }

    /// <summary>At least one 2xx answer, and each 2xx JSON answer with an example.</summary>
    private static IEnumerable<string> SuccessProblems(JsonElement operation)
    {
        var successes = Responses(operation).Where(response => response.Name.StartsWith('2')).ToArray();
        if (successes.Length == 0)
            yield return "no 2xx response";
        foreach (var success in successes)
        {
            if (!success.Value.TryGetProperty("content", out var content) || !content.EnumerateObject().Any())
            {
                // Only "No Content" has nothing to show; any other success says what it returns.
                if (success.Name != "204")
                    yield return $"{success.Name} response without a media type";
                continue;
            }
            if (content.TryGetProperty(JsonMediaType, out var json) && !HasExample(json))
                yield return $"{success.Name} {JsonMediaType} response without an example";
        }
    }

    /// <summary>
    /// The errors every route of its kind can answer: 401 on a keyed route (a wrong key), 400 on an
    /// instance's route (a malformed name) and on a route that reads a body, 404 on a keyed instance's
    /// route (a key allowed everywhere, the global one, names a missing instance). A route whose
    /// credential is in the request (refreshToken's old token) answers 401 for a missing instance too,
    /// so as not to reveal names.
    /// </summary>
    private static IEnumerable<string> ErrorProblems(string path, JsonElement operation, bool documentIsKeyed)
    {
        var documented = Responses(operation).Select(response => response.Name).ToHashSet(StringComparer.Ordinal);
        // An operation's own (empty) security list overrides the document's: no key needed there.
        var keyed = operation.TryGetProperty("security", out var security) ? security.GetArrayLength() > 0 : documentIsKeyed;
        if (keyed && !documented.Contains("401"))
            yield return "keyed route without a 401 response";
        var ofAnInstance = path.Contains("{instanceName}", StringComparison.Ordinal);
        if ((ofAnInstance || operation.TryGetProperty("requestBody", out _)) && !documented.Contains("400"))
            yield return "no 400 response for a malformed name or body";
        if (ofAnInstance && keyed && !documented.Contains("404"))
            yield return "instance route without a 404 response";
    }

    /// <summary>
    /// Every route the host maps is in the document, and nothing else is: only what a route opts out
    /// with ExcludeFromDescription (health probes, the WebSocket event stream, the dashboard) is left out.
    /// </summary>
    private IEnumerable<string> UndocumentedRoutes(JsonElement root)
    {
        var documented = root.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"))
            .ToHashSet(StringComparer.Ordinal);
        var mapped = fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["(any method)"])
                .Select(method => $"{method} /{endpoint.RoutePattern.RawText!.Trim('/')}"))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var route in mapped.Except(documented).Order(StringComparer.Ordinal))
            yield return $"{route}: mapped but not in the document";
        foreach (var route in documented.Except(mapped).Order(StringComparer.Ordinal))
            yield return $"{route}: in the document but not mapped";
    }

    /// <summary>Each JSON example fits its schema: only declared properties, the required ones present, values of the declared type.</summary>
    private static IEnumerable<string> ExampleMismatches(JsonElement root, JsonElement operation)
    {
        var bodies = operation.TryGetProperty("requestBody", out var body) && body.TryGetProperty("content", out var bodyContent)
            ? bodyContent.EnumerateObject().Select(media => ("request " + media.Name, media.Value))
            : [];
        var answers = Responses(operation).Where(response => response.Value.TryGetProperty("content", out _))
            .SelectMany(response => response.Value.GetProperty("content").EnumerateObject().Select(media => ($"{response.Name} {media.Name}", media.Value)));
        foreach (var (where, media) in bodies.Concat(answers))
        {
            if (media.TryGetProperty("example", out var example) && media.TryGetProperty("schema", out var schema))
            {
                foreach (var mismatch in Mismatches(root, schema, example, "example"))
                    yield return $"{where} {mismatch}";
            }
        }
    }

    private static IEnumerable<string> Mismatches(JsonElement root, JsonElement schema, JsonElement value, string at)
    {
        schema = Resolve(root, schema);
        if (schema.ValueKind != JsonValueKind.Object)
            yield break;
        if (schema.TryGetProperty("type", out var type) && !Fits(type.GetString()!, value, schema))
        {
            yield return $"{at} is {value.ValueKind}, the schema says {type.GetString()}";
            yield break;
        }
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            foreach (var mismatch in value.EnumerateArray().SelectMany((item, i) => Mismatches(root, items, item, $"{at}[{i}]")))
                yield return mismatch;
        }
        if (value.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties))
            yield break;
        foreach (var property in value.EnumerateObject())
        {
            if (!properties.TryGetProperty(property.Name, out var propertySchema))
            {
                yield return $"{at}.{property.Name} is not in the schema";
                continue;
            }
            foreach (var mismatch in Mismatches(root, propertySchema, property.Value, $"{at}.{property.Name}"))
                yield return mismatch;
        }
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(name => name.GetString()!).Where(name => !value.TryGetProperty(name, out _)))
                yield return $"{at} lacks the required {name}";
        }
    }

    private static bool Fits(string type, JsonElement value, JsonElement schema) => value.ValueKind switch
    {
        JsonValueKind.Null => schema.TryGetProperty("nullable", out var nullable) && nullable.GetBoolean(),
        JsonValueKind.String => type == "string",
        JsonValueKind.Number => type == "number" || (type == "integer" && value.TryGetInt64(out _)),
        JsonValueKind.True or JsonValueKind.False => type == "boolean",
        JsonValueKind.Array => type == "array",
        JsonValueKind.Object => type == "object",
        _ => false,
    };

    private static IEnumerable<JsonProperty> Responses(JsonElement operation) =>
        operation.TryGetProperty("responses", out var responses) ? responses.EnumerateObject() : [];

    private static bool HasExample(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && ((element.TryGetProperty("example", out var example) && example.ValueKind != JsonValueKind.Null)
            || (element.TryGetProperty("examples", out var examples) && examples.ValueKind switch
            {
                // A media type's named examples, or a (3.1) schema's list of them.
                JsonValueKind.Object => examples.EnumerateObject().Any(),
                JsonValueKind.Array => examples.GetArrayLength() > 0,
                _ => false,
            }));

    private static bool IsFile(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var format) && format.GetString() == "binary";

    /// <summary>A schema, or the component schema its <c>$ref</c> names.</summary>
    private static JsonElement Resolve(JsonElement root, JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("$ref", out var reference))
            return schema;
        const string prefix = "#/components/schemas/";
        var target = reference.GetString()!;
        return target.StartsWith(prefix, StringComparison.Ordinal)
            && root.GetProperty("components").GetProperty("schemas").TryGetProperty(target[prefix.Length..], out var resolved)
            ? resolved
            : default;
    }
}
