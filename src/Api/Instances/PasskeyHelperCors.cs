using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CodeChat.Api.Instances;

/// <summary>
/// CORS for the passkey helper (tools/passkey-helper, issue 15): a script on WhatsApp Web's origin reads
/// the pending options and posts the assertion and the confirmation, so the <c>/instance/passkey</c> routes
/// (and no other route) answer that origin. <c>Passkey:HelperOrigins</c> replaces the list.
/// </summary>
public static class PasskeyHelperCors
{
    public const string PolicyName = "passkey-helper";
    public const string OriginsKey = "Passkey:HelperOrigins";

    /// <summary>Where a WhatsApp passkey can be used: WhatsApp Web.</summary>
    public static IReadOnlyList<string> DefaultOrigins { get; } = ["https://web.whatsapp.com"];

    public static IServiceCollection AddPasskeyHelperCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            var configured = configuration.GetSection(OriginsKey).Get<string[]>();
            var origins = configured is { Length: > 0 } ? configured : [.. DefaultOrigins];
            options.AddPolicy(PolicyName, policy => policy
                .WithOrigins(origins)
                .WithMethods(HttpMethodsAllowed)
                .WithHeaders("apikey", "authorization", "content-type"));
        });
        return services;
    }

    private static readonly string[] HttpMethodsAllowed = ["GET", "POST"];
}
