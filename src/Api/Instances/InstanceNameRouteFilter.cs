using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace CodeChat.Api.Instances;

/// <summary>Rejects a malformed <c>{instanceName}</c> path segment with a 400 naming the field.</summary>
public sealed class InstanceNameRouteFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        InstanceName.IsValid(context.HttpContext.Request.RouteValues[InstanceAccessFilter.RouteValue] as string)
            ? await next(context)
            : ApiErrors.Invalid(InstanceName.Invalid());
}
