using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeChat.Grains.Webhooks;

/// <summary>
/// On every silo, every <see cref="WebhookOptions.SweepInterval"/>: wakes the dispatcher of each line
/// that is due and has had an event undelivered for at least one interval
/// (<see cref="PendingWebhookLine.NeedsWakeUp"/>), wherever Orleans places it. This is what moves delivery to
/// a live silo after a silo dies (its dispatchers are re-activated by the wake-up), what resumes a
/// retry whose activation was collected while it waited, and what catches a lost wake-up. It also
/// updates the outbox gauges, redacts due <c>qrcode.updated</c> events (<see cref="QrCodeRedactor"/>)
/// and prunes the delivery log.
/// </summary>
public sealed partial class WebhookOutboxSweeper(
    PostgresWebhookLineStore lines,
    QrCodeRedactor redactor,
    IGrainFactory grains,
    WebhookMetrics metrics,
    IOptions<WebhookOptions> options,
    TimeProvider timeProvider,
    ILogger<WebhookOutboxSweeper> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WebhookOutboxSweeper), ServiceLifecycleStage.Active, OnActiveAsync, OnStopAsync);

    private Task OnActiveAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var nextPrune = timeProvider.GetUtcNow();
        using var timer = new PeriodicTimer(options.Value.SweepInterval, timeProvider);
        do
        {
            try
            {
                await SweepAsync(cancellationToken);
                await redactor.RedactDueAsync(cancellationToken);
                if (timeProvider.GetUtcNow() >= nextPrune)
                {
                    await lines.PruneAttemptsAsync(timeProvider.GetUtcNow() - options.Value.LogRetention, cancellationToken);
                    nextPrune = timeProvider.GetUtcNow() + PruneInterval;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogSweepFailed(exception);
            }
        }
        while (await WaitAsync(timer, cancellationToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var pending = await lines.PendingAsync(options.Value.Global.IsConfigured, cancellationToken);
        var now = timeProvider.GetUtcNow();
        long depth = 0;
        var oldest = now;
        foreach (var line in pending)
        {
            depth += line.Depth;
            if (line.OldestEventAt is { } at && at < oldest)
                oldest = at;
        }

        metrics.Outbox(depth, now - oldest);
        var grace = options.Value.SweepInterval;
        foreach (var instanceName in pending.Where(line => line.NeedsWakeUp(now, grace)).Select(line => line.InstanceName).Distinct(StringComparer.Ordinal))
            await grains.GetGrain<IWebhookDispatcherGrain>(instanceName).WakeAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook outbox sweep failed; the next one retries")]
    private partial void LogSweepFailed(Exception exception);
}
