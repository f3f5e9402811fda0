using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CodeChat.Api.OpenApi;

/// <summary>Copies each endpoint's <see cref="ResponseExample"/>s into its OpenAPI responses.</summary>
public sealed class ResponseExampleOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.Responses is null)
            return;
        foreach (var example in context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<ResponseExample>())
        {
            if (!operation.Responses.TryGetValue(example.StatusCode.ToString(CultureInfo.InvariantCulture), out var response)
                || response.Content is null)
                continue;
            foreach (var media in response.Content.Values.OfType<OpenApiMediaType>())
                media.Example = JsonNode.Parse(example.Json);
        }
    }
}
