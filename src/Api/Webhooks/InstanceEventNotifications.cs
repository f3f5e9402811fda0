using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CodeChat.Api.Webhooks;

/// <summary>
/// Tells event-stream subscribers in this process that an instance has new outbox events: one
/// PostgreSQL connection LISTENs on the channel the outbox trigger notifies (deploy/sql/0030), so
/// appends on any silo reach every API host. A subscriber also polls now and then, so a dropped
/// notification (reconnect, overflow) only delays a frame.
/// </summary>
public sealed partial class InstanceEventNotifications(NpgsqlDataSource dataSource, ILogger<InstanceEventNotifications> logger)
    : BackgroundService
{
    public const string Channel = "instance_events";
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<TaskCompletionSource, byte>> _waiters = new(StringComparer.Ordinal);

    /// <summary>Completes when the instance gets a new event or after <paramref name="timeout"/>, whichever is first.</summary>
    public async Task WaitAsync(string instanceName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var set = _waiters.GetOrAdd(instanceName, _ => new ConcurrentDictionary<TaskCompletionSource, byte>());
        set.TryAdd(signal, 0);
        try
        {
            await signal.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            set.TryRemove(signal, out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, notification) => Notify(notification.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogListenFailed(exception);
                await Task.Delay(ReconnectDelay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Payload "&lt;sequence&gt;:&lt;instance name&gt;".</summary>
    private void Notify(string payload)
    {
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !_waiters.TryGetValue(payload[(colon + 1)..], out var set))
            return;
        foreach (var signal in set.Keys)
            signal.TrySetResult();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for outbox events failed; event streams poll until it reconnects")]
    private partial void LogListenFailed(Exception exception);
}
