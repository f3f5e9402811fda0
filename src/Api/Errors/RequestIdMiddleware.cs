using Microsoft.AspNetCore.Http;

namespace CodeChat.Api.Errors;

/// <summary>Every response carries <c>x-request-id</c>: the caller's, when it is sane, or a new one.</summary>
public sealed class RequestIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "x-request-id";
    private const int MaximumLength = 128;

    public Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[HeaderName].ToString();
        var requestId = IsSane(incoming) ? incoming : Guid.NewGuid().ToString();
        context.Items[HeaderName] = requestId;
        Set(context, requestId);
        return next(context);
    }

    public static string Get(HttpContext context) =>
        context.Items.TryGetValue(HeaderName, out var value) && value is string id ? id : context.TraceIdentifier;

    public static void Set(HttpContext context, string requestId) => context.Response.Headers[HeaderName] = requestId;

    private static bool IsSane(string value) =>
        value.Length is > 0 and <= MaximumLength && value.All(c => c is > ' ' and < (char)127);
}
