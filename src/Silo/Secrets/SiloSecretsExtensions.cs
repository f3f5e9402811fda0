using CodeChat.Secrets;
using CodeChat.Silo.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CodeChat.Silo.Secrets;

public static class SiloSecretsExtensions
{
    /// <summary>
    /// Data Protection on the shared key ring with the silo's master key (<see cref="SiloMasterKey"/>),
    /// and the start-up step that checks the key against the stored ring and encrypts secrets still
    /// stored in clear by older versions. Call after AddCodeChatDatabase and before UseOrleans: hosted
    /// services start in registration order, so this runs after the migrations and before any grain.
    /// </summary>
    public static TBuilder AddCodeChatSecrets<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddCodeChatDataProtection(services =>
            SiloMasterKey.Resolve(services.GetRequiredService<IConfiguration>(), services.GetRequiredService<CodeChatDatabase>()));
        builder.Services.AddSingleton<ProtectStoredSecretsMigration>();
        builder.Services.AddSingleton<ProtectSenderKeysMigration>();
        builder.Services.AddSingleton<ProtectWebhookSecretsMigration>();
        builder.Services.AddHostedService<SecretsStartupService>();
        return builder;
    }
}
