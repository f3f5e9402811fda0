using CodeChat.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace CodeChat.Api.Authentication;

/// <summary>
/// Routes for the operator only (create, fetchInstances): missing key 403 with CodeChat's
/// message, wrong key 401.
/// </summary>
public sealed class GlobalApiKeyFilter(ApiCredentials credentials) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var apiKey = RequestCredentials.ApiKey(http.Request);
        if (apiKey is null)
            return ApiErrors.Of(StatusCodes.Status403Forbidden, ApiErrors.MissingGlobalApiKey);
        if (!await credentials.IsGlobalApiKeyAsync(apiKey, http.RequestAborted))
            return ApiErrors.Unauthorized();
        return await next(context);
    }
}
