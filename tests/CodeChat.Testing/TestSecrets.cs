using CodeChat.Secrets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CodeChat.Testing;

/// <summary>
/// The master key test hosts configure (an external database requires one) and Data Protection on a
/// test database's key ring, for tests that use the stores without a host.
/// </summary>
public static class TestSecrets
{
    /// <summary>Value for <see cref="MasterKey.ConfigurationKey"/>.</summary>
    public const string MasterKeyText = "test-master-key-0123456789abcdefghijklmnopqrstuvwxyz";

    public static IServiceCollection AddTestDataProtection(this IServiceCollection services) =>
        services.AddCodeChatDataProtection(_ => MasterKey.FromText(MasterKeyText));

    /// <summary>Data Protection on the key ring of <paramref name="dataSource"/>'s database (migrated to 0023 or later).</summary>
    public static IDataProtectionProvider DataProtection(NpgsqlDataSource dataSource)
    {
        var services = new ServiceCollection();
        services.AddSingleton(dataSource);
        services.AddTestDataProtection();
        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
    }
}
