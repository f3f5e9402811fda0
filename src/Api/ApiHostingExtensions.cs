using CodeChat.Api.Admin;
using CodeChat.Api.Authentication;
using CodeChat.Api.Chats;
using CodeChat.Api.Errors;
using CodeChat.Api.Groups;
using CodeChat.Api.Health;
using CodeChat.Api.Instances;
using CodeChat.Api.Messages;
using CodeChat.Api.Messages.Media;
using CodeChat.Api.OpenApi;
using CodeChat.Api.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Dashboard;

namespace CodeChat.Api;

/// <summary>
/// The REST front end as two calls, so the silo (one process = the whole product) and the
/// stand-alone API host (an Orleans client) serve exactly the same endpoints.
/// Both hosts must provide an <see cref="Npgsql.NpgsqlDataSource"/>, an <see cref="IGrainFactory"/>,
/// Data Protection on the shared key ring (<c>AddCodeChatDataProtection</c>, which needs the master
/// key) and the Orleans dashboard services (AddDashboard on the silo or client builder).
/// </summary>
public static class ApiHostingExtensions
{
    public const string DashboardPrefix = "/dashboard";

    public static WebApplicationBuilder AddCodeChatApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CodeChatAuthenticationOptions>().Bind(builder.Configuration.GetSection(CodeChatAuthenticationOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IGeneratedApiKeyAnnouncer, ConsoleGeneratedApiKeyAnnouncer>();
        services.AddSingleton<ApiSettingsStore>();
        services.AddSingleton<ApiCredentials>();
        services.AddSingleton<InstanceTokenProtector>();
        services.AddSingleton<InstanceTokenService>();
        services.AddHostedService<ApiCredentialsInitializer>();
        services.AddSingleton<InstanceEventNotifications>();
        services.AddHostedService(provider => provider.GetRequiredService<InstanceEventNotifications>());
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<ClusterHealthCheck>("cluster", tags: [HealthEndpoints.ReadyTag]);
        services.AddMediaSending(builder.Configuration);
        services.AddCodeChatSwagger();
        services.AddPasskeyHelperCors();
        return builder;
    }

    public static WebApplication MapCodeChatApi(this WebApplication app)
    {
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<ErrorEnvelopeMiddleware>();
        app.UseSwagger(options => options.RouteTemplate = SwaggerSetup.RoutePrefix + "/{documentName}/swagger.json");
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = SwaggerSetup.RoutePrefix;
            options.SwaggerEndpoint($"/{SwaggerSetup.RoutePrefix}/{SwaggerSetup.DocumentName}/swagger.json", "CodeChat.NET");
        });
        app.UseMiddleware<DashboardGuardMiddleware>(new PathString(DashboardPrefix));
        app.UseWebSockets();
        app.UseRouting();
        // Only endpoints that ask for a policy get CORS headers: the passkey routes (PasskeyHelperCors).
        app.UseCors();

        app.MapInstanceEndpoints();
        app.MapInstanceSessionEndpoints();
        app.MapInstancePasskeyEndpoints();
        app.MapMessageEndpoints();
        app.MapMediaMessageEndpoints();
        app.MapLinkMessageEndpoint();
        app.MapChatEndpoints();
        app.MapGroupEndpoints();
        app.MapWebhookEndpoints();
        app.MapChatReceiveEndpoints();
        app.MapChatRevisionEndpoints();
        app.MapChatFindEndpoints();
        app.MapChatPresenceEndpoints();
        app.MapChatModificationEndpoints();
        app.MapChatContactEndpoints();
        app.MapPublicMediaEndpoints();
        app.MapEventStream();
        app.MapWhatsAppVersionEndpoints();
        app.MapHealthEndpoints();
        app.MapOrleansDashboard(routePrefix: DashboardPrefix).ExcludeFromDescription();
        return app;
    }
}
