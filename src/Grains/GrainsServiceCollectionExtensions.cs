using Microsoft.Extensions.DependencyInjection;

namespace CodeChat.Grains;

/// <summary>Services the grains need from the silo's container.</summary>
public static class GrainsServiceCollectionExtensions
{
    public static IServiceCollection AddCodeChatGrains(this IServiceCollection services) => services;
}
