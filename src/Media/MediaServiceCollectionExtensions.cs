using CodeChat.Media.Preparation;
using CodeChat.Media.Sources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CodeChat.Media;

public static class MediaServiceCollectionExtensions
{
    /// <summary>Media fetching and preparation for sends, configured from the <c>Media</c> section.</summary>
    public static IServiceCollection AddMediaPreparation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MediaOptions>().Bind(configuration.GetSection(MediaOptions.SectionName));
        services.TryAddSingleton<MediaUrlFetcher>();
        services.TryAddSingleton<MediaSourceReader>();
        services.TryAddSingleton<FfmpegTools>();
        services.TryAddSingleton<MediaPreparer>();
        services.TryAddSingleton<LinkPreviewReader>();
        return services;
    }
}
