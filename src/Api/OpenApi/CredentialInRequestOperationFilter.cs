using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CodeChat.Api.OpenApi;

/// <summary>Clears the document-wide key/token requirement on routes marked <see cref="CredentialInRequest"/>.</summary>
public sealed class CredentialInRequestOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var credential = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<CredentialInRequest>().FirstOrDefault();
        if (credential is null)
            return;
        // An empty list overrides the document's requirements: no header is needed here.
        operation.Security = [];
        operation.Description = (operation.Description is { Length: > 0 } text ? text + "\n\n" : "")
            + $"No header needed: {credential.Credential} is the credential.";
    }
}
