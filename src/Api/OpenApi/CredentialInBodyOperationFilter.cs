using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CodeChat.Api.OpenApi;

/// <summary>Clears the document-wide key/token requirement on routes marked <see cref="CredentialInBody"/>.</summary>
public sealed class CredentialInBodyOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var credential = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<CredentialInBody>().FirstOrDefault();
        if (credential is null)
            return;
        // An empty list overrides the document's requirements: no header is needed here.
        operation.Security = [];
        operation.Description = (operation.Description is { Length: > 0 } text ? text + "\n\n" : "")
            + $"No header needed: the body's `{credential.Property}` is the credential.";
    }
}
