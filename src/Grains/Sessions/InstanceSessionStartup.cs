using CodeChat.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeChat.Grains.Sessions;

/// <summary>
/// When the silo becomes active, wakes every instance wanted connected so it resumes its session
/// with the stored credentials (no new QR). Runs in the background: a slow database or many
/// instances never hold up start-up, and one failing instance does not stop the others. Instances
/// on a silo that died come back through their watchdog reminder instead.
/// </summary>
public sealed partial class InstanceSessionStartup(
    PostgresSessionDirectory directory,
    IGrainFactory grains,
    IOptions<InstanceResumeOptions> options,
    ILogger<InstanceSessionStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(InstanceSessionStartup), ServiceLifecycleStage.Active, OnActiveAsync, OnStopAsync);

    private Task OnActiveAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(() => ResumeAllAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private Task OnStopAsync(CancellationToken cancellationToken) => _stopping.CancelAsync();

    private async Task ResumeAllAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string> names;
        try
        {
            names = await directory.WantedConnectedAsync(cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogListFailed(exception);
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var parallelism = options.Value.ResumeParallelism;
        LogResuming(names.Count, parallelism);
        try
        {
            await BoundedResume.RunAsync(
                names,
                parallelism,
                (name, token) => grains.GetGrain<IInstanceSessionResumer>(name).EnsureSessionAsync(token),
                LogResumeFailed,
                cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming the WhatsApp sessions of {Count} instances, {Parallelism} at a time")]
    private partial void LogResuming(int count, int parallelism);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not list the instances to resume; their watchdogs will resume them")]
    private partial void LogListFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName} could not resume its session; its watchdog will retry")]
    private partial void LogResumeFailed(string instanceName, Exception exception);
}
