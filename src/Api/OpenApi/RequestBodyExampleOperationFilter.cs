using System.Text.Json.Nodes;
using Swashbuckle.AspNetCore.SwaggerGen;
using Microsoft.OpenApi;

namespace CodeChat.Api.OpenApi;

/// <summary>Copies each endpoint's <see cref="RequestBodyExample"/> into its OpenAPI request body.</summary>
public sealed class RequestBodyExampleOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var example = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RequestBodyExample>().FirstOrDefault();
        if (example is null || operation.RequestBody?.Content is null)
            return;
        foreach (var media in operation.RequestBody.Content.Values.OfType<OpenApiMediaType>())
            media.Example = JsonNode.Parse(example.Json);
    }
}
