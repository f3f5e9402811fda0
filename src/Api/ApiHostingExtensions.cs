using Microsoft.AspNetCore.Builder;

namespace CodeChat.Api;

/// <summary>
/// The REST front end as two calls, so the silo (one process = the whole product) and the
/// stand-alone API host (an Orleans client) serve exactly the same endpoints.
/// </summary>
public static class ApiHostingExtensions
{
    public static WebApplicationBuilder AddCodeChatApi(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapCodeChatApi(this WebApplication app) => app;
}
