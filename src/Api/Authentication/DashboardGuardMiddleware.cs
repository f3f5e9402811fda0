using CodeChat.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace CodeChat.Api.Authentication;

/// <summary>
/// The Orleans dashboard has no auth of its own: everything under its prefix needs the global
/// key, in header <c>apikey</c> or as the password of HTTP Basic so a browser can log in.
/// </summary>
public sealed class DashboardGuardMiddleware(RequestDelegate next, ApiCredentials credentials, PathString prefix)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(prefix))
        {
            await next(context);
            return;
        }

        var presented = RequestCredentials.ApiKey(context.Request) ?? RequestCredentials.BasicPassword(context.Request);
        if (presented is not null && await credentials.IsGlobalApiKeyAsync(presented, context.RequestAborted))
        {
            await next(context);
            return;
        }

        context.Response.Headers.WWWAuthenticate = "Basic realm=\"CodeChat dashboard\", charset=\"UTF-8\"";
        await ApiErrors.WriteAsync(context, StatusCodes.Status401Unauthorized);
    }
}
