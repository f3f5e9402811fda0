using Microsoft.Extensions.Hosting;

namespace CodeChat.Silo.Database;

/// <summary>
/// Registered before Orleans, so hosted-service order makes the database (server + migrations)
/// ready before the silo joins the cluster, and stops it only after the silo has left.
/// </summary>
internal sealed class DatabaseStartupService(CodeChatDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => database.StopAsync(cancellationToken);
}
