using CodeChat.Secrets;
using CodeChat.Silo.Database;
using Microsoft.Extensions.Hosting;

namespace CodeChat.Silo.Secrets;

/// <summary>
/// After the schema migrations and before the silo starts: the master key must open the stored key
/// ring (else the start fails with one clear line), then secrets older versions stored in clear get
/// encrypted (<see cref="ProtectStoredSecretsMigration"/>, <see cref="ProtectSenderKeysMigration"/>,
/// <see cref="ProtectWebhookSecretsMigration"/>) before any grain reads them.
/// </summary>
internal sealed class SecretsStartupService(
    MasterKey masterKey, PostgresXmlRepository keyRing,
    ProtectStoredSecretsMigration storedSecrets, ProtectSenderKeysMigration senderKeys,
    ProtectWebhookSecretsMigration webhookSecrets) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        KeyRingVerifier.Verify(keyRing, masterKey);
        await storedSecrets.ApplyAsync(cancellationToken);
        await senderKeys.ApplyAsync(cancellationToken);
        await webhookSecrets.ApplyAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
