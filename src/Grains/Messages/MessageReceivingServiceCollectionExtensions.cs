using CodeChat.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CodeChat.Grains.Messages;

/// <summary>What receiving messages needs beside the message store: revisions, the "Messaging" options and the media download client.</summary>
public static class MessageReceivingServiceCollectionExtensions
{
    public static IServiceCollection AddMessageReceiving(this IServiceCollection services)
    {
        services.TryAddSingleton<PostgresMessageRevisionStore>();
        services.AddOptions<MessagingReceiveOptions>().Configure<IServiceProvider>((options, provider) =>
                provider.GetService<IConfiguration>()?.GetSection(MessagingReceiveOptions.SectionName).Bind(options))
            .Validate(options => options.InlineMediaMaxBytes >= 0 && options.MediaDownloadMaxBytes > 0 && options.InlineMediaTimeout > TimeSpan.Zero,
                "Messaging:InlineMediaMaxBytes must be >= 0, Messaging:MediaDownloadMaxBytes > 0 and Messaging:InlineMediaTimeout positive.")
            .ValidateOnStart();
        // MediaTransfer applies its own size cap; the timeout bounds one attempt at one host.
        services.AddHttpClient(MessagingReceiveOptions.MediaHttpClientName, client => client.Timeout = TimeSpan.FromMinutes(5))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(15) });
        return services;
    }
}
