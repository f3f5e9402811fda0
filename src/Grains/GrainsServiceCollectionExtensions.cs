using CodeChat.Grains.Instances;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CodeChat.Grains;

/// <summary>Services the grains need from the silo's container.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Registers what the grains use. Expects an <see cref="Npgsql.NpgsqlDataSource"/> singleton
    /// (the silo host registers it) and grain storage named "Default".
    /// </summary>
    public static IServiceCollection AddCodeChatGrains(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InstanceRegistry>();
        return services;
    }
}
