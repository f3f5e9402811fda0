using CodeChat.Grains.ClientVersion;
using CodeChat.Grains.Events;
using CodeChat.Grains.Messages;
using CodeChat.Grains.Queues;
using CodeChat.Grains.Sessions;
using CodeChat.Grains.Storage;
using CodeChat.Grains.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CodeChat.Grains;

/// <summary>Services the grains need from the silo's container.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Registers what the grains use. Expects an <see cref="Npgsql.NpgsqlDataSource"/> singleton
    /// (the silo host registers it), Orleans' ADO.NET grain storage named "Default" on that same
    /// database (an instance's delete removes its state row in the transaction that removes its other
    /// rows) and, for instances that connect,
    /// a reminder service. WhatsApp endpoint settings come from the "WhatsApp" configuration section.
    /// </summary>
    public static IServiceCollection AddCodeChatGrains(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PostgresInstanceRegistry>();
        services.TryAddSingleton<PostgresSessionDirectory>();
        services.TryAddSingleton<PostgresInstancePurge>();
        services.TryAddSingleton<PostgresDeviceStoreFactory>();
        services.TryAddSingleton<PostgresInstanceEventStore>();
        services.TryAddSingleton<PostgresMessageStore>();
        services.TryAddSingleton<PostgresChatStore>();
        services.TryAddSingleton<PostgresStatusAudienceStore>();
        services.TryAddSingleton<PostgresHistoryStore>();
        services.TryAddSingleton<PostgresAppStateStore>();
        services.TryAddSingleton<PostgresAppStateApplier>();
        services.TryAddSingleton<PostgresMessageQuery>();
        services.TryAddSingleton<PostgresSendQueueStore>();
        services.AddOptions<SendQueueOptions>().Configure<IServiceProvider>((options, provider) =>
            provider.GetService<IConfiguration>()?.GetSection(SendQueueOptions.SectionName).Bind(options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SendQueueOptions>, SendQueueOptionsValidator>());
        services.AddMessageReceiving();
        // Every append wakes the instance's webhook dispatcher.
        services.TryAddSingleton<IInstanceEventSink>(provider => new WakingInstanceEventSink(
            provider.GetRequiredService<PostgresInstanceEventStore>(), provider.GetRequiredService<IGrainFactory>()));
        services.AddCodeChatWebhooks();
        services.TryAddSingleton<IWaClientFactory, WaClientFactory>();
        services.AddOptions<WhatsAppOptions>().Configure<IServiceProvider>((options, provider) =>
                provider.GetService<IConfiguration>()?.GetSection(WhatsAppOptions.SectionName).Bind(options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WhatsAppOptions>, WhatsAppOptionsValidator>());
        services.AddWhatsAppVersion();
        services.AddOptions<InstanceResumeOptions>().Configure<IServiceProvider>((options, provider) =>
            provider.GetService<IConfiguration>()?.GetSection(InstanceResumeOptions.SectionName).Bind(options))
            .Validate(options => options.ResumeParallelism >= 1, "Instances:ResumeParallelism must be at least 1.")
            .ValidateOnStart();
        services.AddOptions<MessagingOptions>().Configure<IServiceProvider>((options, provider) =>
            provider.GetService<IConfiguration>()?.GetSection(MessagingOptions.SectionName).Bind(options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MessagingOptions>, MessagingOptionsValidator>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, InstanceSessionStartup>();
        return services;
    }

    /// <summary>The cluster's WhatsApp Web version: its store, the source clients ask, and the refresher's fetcher.</summary>
    private static void AddWhatsAppVersion(this IServiceCollection services)
    {
        services.TryAddSingleton<PostgresClientVersionStore>();
        services.TryAddSingleton<ServiceWorkerVersionFetcher>();
        services.TryAddSingleton<ClusterWhatsAppVersionSource>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, WhatsAppVersionStartup>();
        // Timeout and size cap are the fetcher's own; the handler only refuses long redirect chains.
        services.AddHttpClient(ServiceWorkerVersionFetcher.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                MaxAutomaticRedirections = 3,
                UseCookies = false,
                ConnectTimeout = ServiceWorkerVersionFetcher.Timeout,
            });
    }
}
