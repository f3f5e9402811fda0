using CodeChat.Api.Errors;
using CodeChat.Grains.Abstractions.Instances;
using Microsoft.AspNetCore.Http;

namespace CodeChat.Api.Authentication;

/// <summary>
/// Routes of one instance (route value <c>instanceName</c>): the global key, or that instance's
/// current token as <c>Authorization: Bearer</c> or in the <c>apikey</c> header. Otherwise 401.
/// </summary>
public sealed class InstanceAccessFilter(ApiCredentials credentials, InstanceTokenService tokens, IGrainFactory grains)
    : IEndpointFilter
{
    public const string RouteValue = "instanceName";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var instanceName = http.Request.RouteValues[RouteValue] as string;
        return instanceName is not null && await IsAllowedAsync(http.Request, instanceName, http.RequestAborted)
            ? await next(context)
            : ApiErrors.Unauthorized();
    }

    private Task<bool> IsAllowedAsync(HttpRequest request, string instanceName, CancellationToken cancellationToken) =>
        IsAllowedAsync(RequestCredentials.ApiKey(request), RequestCredentials.BearerToken(request), instanceName, cancellationToken);

    /// <summary>
    /// Whether these credentials may act on <paramref name="instanceName"/>: the global key, or the
    /// instance's current token as API key or bearer token. Also used where credentials do not come in
    /// headers (the event stream takes them from the query string, as browsers cannot set WebSocket headers).
    /// </summary>
    public async Task<bool> IsAllowedAsync(string? apiKey, string? bearer, string instanceName, CancellationToken cancellationToken)
    {
        if (apiKey is not null)
        {
            if (await credentials.IsGlobalApiKeyAsync(apiKey, cancellationToken))
                return true;
            if (await IsCurrentInstanceTokenAsync(apiKey, instanceName, cancellationToken))
                return true;
        }

        return bearer is not null && await IsCurrentInstanceTokenAsync(bearer, instanceName, cancellationToken);
    }

    private async Task<bool> IsCurrentInstanceTokenAsync(string token, string instanceName, CancellationToken cancellationToken)
    {
        var claims = await tokens.ReadAsync(token, cancellationToken);
        if (claims is null || !string.Equals(claims.InstanceName, instanceName, StringComparison.Ordinal))
            return false;
        return await grains.GetGrain<IInstanceGrain>(instanceName)
            .IsCurrentTokenAsync(claims.TokenId, ApiCredentials.Sha256(token), cancellationToken);
    }
}
