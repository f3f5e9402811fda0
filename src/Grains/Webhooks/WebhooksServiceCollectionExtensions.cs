using CodeChat.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace CodeChat.Grains.Webhooks;

/// <summary>Webhook delivery services for a silo (called by AddCodeChatGrains).</summary>
public static class WebhooksServiceCollectionExtensions
{
    public static IServiceCollection AddCodeChatWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>()
            .Configure<IServiceProvider>((options, provider) =>
                provider.GetService<IConfiguration>()?.GetSection(WebhookOptions.SectionName).Bind(options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<WebhookMetrics>();
        services.TryAddSingleton(provider => new WebhookAddressPolicy(provider.GetRequiredService<IOptions<WebhookOptions>>()));
        services.TryAddSingleton<WebhookTargetResolver>();
        services.TryAddSingleton<PostgresWebhookEndpointStore>();
        services.TryAddSingleton<PostgresWebhookLineStore>();
        services.TryAddSingleton<WebhookRetryPolicy>();
        services.TryAddSingleton<WebhookSender>();
        services.TryAddSingleton<PostgresQrCodeRedactionStore>();
        services.TryAddSingleton<QrCodeRedactor>();
        services.TryAddSingleton(provider => new WebhookLineServices(
            provider.GetRequiredService<PostgresWebhookLineStore>(),
            provider.GetRequiredService<PostgresInstanceEventStore>(),
            provider.GetRequiredService<WebhookSender>(),
            provider.GetRequiredService<WebhookRetryPolicy>(),
            provider.GetRequiredService<WebhookMetrics>(),
            provider.GetRequiredService<QrCodeRedactor>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("CodeChat.Grains.Webhooks.WebhookDeliveryLine")));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, WebhookOutboxSweeper>();

        // One pooled client for every endpoint. Our durable schedule does the retrying (a crash must
        // not lose a retry), so the resilience pipeline only bounds each attempt.
        services.AddHttpClient(WebhookSender.ClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("CodeChat.NET-Webhooks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(10),
                ConnectCallback = provider.GetRequiredService<WebhookTargetResolver>().ConnectAsync,
            })
            .AddResilienceHandler("webhook-attempt", (pipeline, context) =>
                pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout));
        return services;
    }
}
