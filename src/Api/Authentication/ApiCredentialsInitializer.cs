using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CodeChat.Api.Authentication;

/// <summary>
/// Loads or generates the API credentials at startup so a generated key is shown right away.
/// Retries while the database or its schema is not ready yet; requests retry on their own too.
/// </summary>
public sealed partial class ApiCredentialsInitializer(ApiCredentials credentials, ILogger<ApiCredentialsInitializer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await credentials.EnsureInitializedAsync(stoppingToken);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogNotReady(attempt, exception.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 10)), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "API credentials not loaded yet (attempt {Attempt}): {Reason}")]
    private partial void LogNotReady(int attempt, string reason);
}
