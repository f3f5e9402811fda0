using System.Text.Json.Nodes;
using Swashbuckle.AspNetCore.SwaggerGen;
using Microsoft.OpenApi;

namespace CodeChat.Api.OpenApi;

/// <summary>
/// Copies each endpoint's <see cref="RequestBodyExample"/> into its OpenAPI request body: as the body's
/// example for JSON and urlencoded forms, and field by field for a multipart form, since Swagger UI fills
/// a multipart form from its fields' examples (the file field gets none: it is picked, not typed).
/// </summary>
public sealed class RequestBodyExampleOperationFilter : IOperationFilter
{
    private const string MultipartMediaType = "multipart/form-data";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var example = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RequestBodyExample>().FirstOrDefault();
        if (example is null || operation.RequestBody?.Content is null)
            return;
        foreach (var (mediaType, media) in operation.RequestBody.Content)
        {
            if (media is not OpenApiMediaType content)
                continue;
            if (mediaType == MultipartMediaType)
                ExampleEachField(FormSchema(content.Schema, context.SchemaRepository), JsonNode.Parse(example.Json)!.AsObject());
            else
                content.Example = JsonNode.Parse(example.Json);
        }
    }

    private static void ExampleEachField(IOpenApiSchema? form, JsonObject example)
    {
        foreach (var (name, field) in form?.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (field is OpenApiSchema inline && example[name] is { } value)
                inline.Examples = [value.DeepClone()];
        }
    }

    /// <summary>The form's schema, or the component schema it refers to.</summary>
    private static IOpenApiSchema? FormSchema(IOpenApiSchema? schema, SchemaRepository repository) =>
        schema is OpenApiSchemaReference { Reference.Id: { } id } && repository.Schemas.TryGetValue(id, out var target) ? target : schema;
}
