using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CodeChat.Secrets;

public static class SecretsServiceCollectionExtensions
{
    /// <summary>One application name for every host, so silos and the API host share one key ring.</summary>
    public const string ApplicationName = "CodeChat.NET";

    /// <summary>
    /// ASP.NET Core Data Protection with the key ring in PostgreSQL (<see cref="PostgresXmlRepository"/>)
    /// encrypted by the master key (<see cref="MasterKeyXmlEncryptor"/>). Expects an
    /// <see cref="Npgsql.NpgsqlDataSource"/> singleton; <paramref name="masterKey"/> is called once, when
    /// the key is first needed (the host's start-up check resolves <see cref="MasterKey"/> early).
    /// </summary>
    public static IServiceCollection AddCodeChatDataProtection(this IServiceCollection services, Func<IServiceProvider, MasterKey> masterKey)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        services.AddSingleton(masterKey);
        services.AddSingleton<PostgresXmlRepository>();
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<PublicMediaLinks>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            options.XmlRepository = provider.GetRequiredService<PostgresXmlRepository>();
            options.XmlEncryptor = new MasterKeyXmlEncryptor(provider.GetRequiredService<MasterKey>());
        }));
        return services;
    }
}
