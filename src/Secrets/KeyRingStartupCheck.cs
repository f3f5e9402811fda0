using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CodeChat.Secrets;

/// <summary>
/// Fails the host's start with a <see cref="MasterKeyException"/> when the master key is missing,
/// too short, or does not open the stored key ring, instead of failing on the first secret.
/// </summary>
public sealed class KeyRingStartupCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        KeyRingVerifier.Verify(services.GetRequiredService<PostgresXmlRepository>(), services.GetRequiredService<MasterKey>());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
