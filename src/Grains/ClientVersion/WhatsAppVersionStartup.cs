using CodeChat.Grains.Abstractions.ClientVersion;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.ClientVersion;

/// <summary>
/// When the silo becomes active, makes the version refresher's reminder match the configuration (every
/// silo does it; the reminder itself exists once per cluster). In the background: the reminder table
/// being slow must not hold up start-up.
/// </summary>
public sealed partial class WhatsAppVersionStartup(IGrainFactory grains, ILogger<WhatsAppVersionStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WhatsAppVersionStartup), ServiceLifecycleStage.Active, OnActiveAsync, OnStopAsync);

    private Task OnActiveAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(() => ScheduleAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private Task OnStopAsync(CancellationToken cancellationToken) => _stopping.CancelAsync();

    private async Task ScheduleAsync(CancellationToken cancellationToken)
    {
        try
        {
            await grains.GetGrain<IWhatsAppVersionGrain>(0).EnsureScheduleAsync(cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Checks after a 405 still run; only the schedule waits for the next start.
            LogScheduleFailed(exception);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not schedule the WhatsApp Web version refresher; it still runs after a 405")]
    private partial void LogScheduleFailed(Exception exception);
}
