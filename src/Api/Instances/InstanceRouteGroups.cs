using CodeChat.Api.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Instances;

/// <summary>The routes of one instance (<c>/{controller}/{action}/{instanceName}</c>): its credentials required, its name checked.</summary>
public static class InstanceRouteGroups
{
    public static RouteGroupBuilder MapInstanceRouteGroup(this IEndpointRouteBuilder routes, string prefix, string tag) =>
        routes.MapGroup(prefix).WithTags(tag)
            .AddEndpointFilter<InstanceAccessFilter>()
            .AddEndpointFilter<InstanceNameRouteFilter>();
}
