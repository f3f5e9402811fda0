using CodeChat.Media;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CodeChat.Api.Messages.Media;

public static class MediaSendingServiceCollectionExtensions
{
    /// <summary>The media send routes' services: preparation (src/Media), the upload client, the sender.</summary>
    public static IServiceCollection AddMediaSending(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMediaPreparation(configuration);
        // Uploads go to WhatsApp's media hosts (from media_conn), never to a caller's address. A 100 MB
        // document on a slow link takes minutes; the cipher streams it from a temporary file.
        services.AddHttpClient(MediaMessageSender.UploadClientName, client => client.Timeout = TimeSpan.FromMinutes(10));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MediaMessageSender>();
        return services;
    }
}
