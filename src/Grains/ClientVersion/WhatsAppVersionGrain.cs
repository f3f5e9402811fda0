using CodeChat.Grains.Abstractions.ClientVersion;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Sessions;
using CodeChat.Grains.Storage;
using CodeChat.WhatsApp.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace CodeChat.Grains.ClientVersion;

/// <summary>
/// The one per cluster (key 0) writer of the stored WhatsApp Web version: the admin route sets it, and
/// the refresher raises it when WhatsApp Web's service worker names a newer one — on its reminder and
/// right after an instance was refused with 405. Calls are serialized by the grain, so a burst of 405s
/// from many instances causes one fetch (<see cref="RecheckAfter"/>), not one each. Whenever the version
/// changes (either way), the instances that had stopped for a 405 connect again with their stored
/// credentials, a bounded number at a time: an outage of the whole fleet ends without a call per instance.
/// </summary>
[GrainType("whatsapp-version")]
public sealed partial class WhatsAppVersionGrain(
    PostgresClientVersionStore store,
    ServiceWorkerVersionFetcher fetcher,
    PostgresSessionDirectory sessions,
    IOptions<WhatsAppOptions> options,
    IOptions<InstanceResumeOptions> resumeOptions,
    TimeProvider timeProvider,
    ILogger<WhatsAppVersionGrain> logger) : Grain, IWhatsAppVersionGrain, IRemindable
{
    public const string ReminderName = "whatsapp-version-refresh";

    /// <summary>A 405 within this long of the last check reuses its outcome instead of fetching again.</summary>
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromSeconds(30);

    private readonly WhatsAppVersionSettings _settings = WhatsAppVersionSettings.From(options.Value);
    private DateTimeOffset? _lastCheckAt;
    private string? _lastFound;
    private string? _lastError;
    private bool _unreachableLogged;
    private Task _reconnecting = Task.CompletedTask;

    public async Task<WhatsAppVersionView> GetAsync(CancellationToken cancellationToken = default) =>
        View(await store.GetAsync(cancellationToken));

    public async Task<WhatsAppVersionView> SetAsync(string version, CancellationToken cancellationToken = default)
    {
        var parsed = WhatsAppWebVersion.Parse(version);
        var stored = await store.SetAsync(parsed, PostgresClientVersionStore.ByAdmin, cancellationToken);
        LogSet(stored.Version);
        ReconnectRefusedInstances(stored.UpdatedAt);
        return View(stored);
    }

    public async Task<string?> FindReplacementAsync(string rejected, CancellationToken cancellationToken = default)
    {
        var rejectedVersion = WhatsAppWebVersion.Parse(rejected);
        if (_settings.RefresherEnabled && !CheckedRecently())
            await CheckAsync(cancellationToken);
        var (current, _) = ClientVersionPrecedence.Resolve(await store.GetAsync(cancellationToken), _settings.Configured);
        return current != rejectedVersion ? current.ToString() : null;
    }

    public async Task EnsureScheduleAsync(CancellationToken cancellationToken = default)
    {
        var existing = await this.GetReminder(ReminderName);
        if (_settings.RefresherEnabled && _settings.Interval is { } interval)
        {
            // An existing reminder keeps its phase: re-registering at every silo start would push the
            // check back each time, and frequent restarts would starve it. A changed interval is
            // applied at its next tick. The first check comes one period after the first start: a
            // fresh deployment that is already stale finds out through its first 405, which refreshes at once.
            if (existing is null)
                await this.RegisterOrUpdateReminder(ReminderName, interval, interval);
            return;
        }
        if (existing is not null)
            await this.UnregisterReminder(existing);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName)
            return;
        if (!_settings.RefresherEnabled || _settings.Interval is not { } interval)
        {
            await EnsureScheduleAsync();
            return;
        }
        if (status.Period != interval)
            await this.RegisterOrUpdateReminder(ReminderName, interval, interval);
        await CheckAsync(CancellationToken.None);
    }

    private bool CheckedRecently() =>
        _lastCheckAt is { } last && timeProvider.GetUtcNow() - last < RecheckAfter;

    /// <summary>
    /// Reads the service worker and stores what it names when that is newer than the version in use (never
    /// lower: an operator may have set a newer one by hand). Unreachable: keep the current version.
    /// </summary>
    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var source = _settings.Source!;
        _lastCheckAt = timeProvider.GetUtcNow();
        WhatsAppWebVersion found;
        try
        {
            found = await fetcher.FetchAsync(source, cancellationToken);
        }
        catch (ServiceWorkerFetchException exception)
        {
            _lastError = exception.Message;
            if (!_unreachableLogged)
            {
                // Once until it works again: an offline gateway must not fill its log every hour.
                _unreachableLogged = true;
                LogUnreachable(exception.Message);
            }
            return;
        }
        _unreachableLogged = false;
        _lastError = null;
        _lastFound = found.ToString();
        var (current, _) = ClientVersionPrecedence.Resolve(await store.GetAsync(cancellationToken), _settings.Configured);
        if (found <= current)
            return;
        var stored = await store.SetAsync(found, PostgresClientVersionStore.ByRefresher, cancellationToken);
        LogRefreshed(current.ToString(), found.ToString(), source.ToString());
        ReconnectRefusedInstances(stored.UpdatedAt);
    }

    /// <summary>
    /// Connects again every instance stopped by a 405 before the version changed at
    /// <paramref name="changedAt"/> (one refused after it was refused with the new version already),
    /// in the background so the admin route or the reminder does not wait for a fleet. An instance
    /// still refused stops again after its one retry, so a version that does not help costs one attempt
    /// per instance, never a loop. The previous run is awaited first: two quick changes do not connect
    /// an instance twice at once.
    /// </summary>
    private void ReconnectRefusedInstances(DateTimeOffset changedAt)
    {
        var previous = _reconnecting;
        // Read on the activation: the grain's services are off limits to the thread pool.
        var grains = GrainFactory;
        _reconnecting = Task.Run(async () =>
        {
            await previous;
            try
            {
                var names = await sessions.RefusedAsOutdatedAsync(changedAt, CancellationToken.None);
                if (names.Count == 0)
                    return;
                LogReconnecting(names.Count);
                await BoundedResume.RunAsync(
                    names,
                    resumeOptions.Value.ResumeParallelism,
                    (name, token) => grains.GetGrain<IInstanceSessionGrain>(name).ConnectAsync(new ConnectCommand(null), token),
                    LogReconnectFailed,
                    CancellationToken.None);
            }
            catch (Exception exception)
            {
                LogReconnectListFailed(exception);
            }
        }, CancellationToken.None);
    }

    private WhatsAppVersionView View(StoredWhatsAppVersion? stored)
    {
        var (version, origin) = ClientVersionPrecedence.Resolve(stored, _settings.Configured);
        return new WhatsAppVersionView(
            version.ToString(),
            origin,
            stored,
            _settings.Configured?.ToString(),
            WhatsAppWebVersion.Default.ToString(),
            new WhatsAppVersionRefresherView(
                _settings.RefresherEnabled,
                _settings.Source?.ToString(),
                _settings.RefresherEnabled ? _settings.Interval : null,
                _lastCheckAt,
                _lastFound,
                _lastError));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WhatsApp Web version set to {Version} through the admin route")]
    private partial void LogSet(string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "WhatsApp Web version raised from {Previous} to {Version} (read from {Source})")]
    private partial void LogRefreshed(string previous, string version, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connecting again the {Count} instances stopped for an outdated WhatsApp Web version")]
    private partial void LogReconnecting(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}, stopped for an outdated WhatsApp Web version, could not connect again")]
    private partial void LogReconnectFailed(string instanceName, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not list the instances stopped for an outdated WhatsApp Web version; connect them with /instance/connect")]
    private partial void LogReconnectListFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The WhatsApp Web version could not be checked, keeping the current one: {Problem}")]
    private partial void LogUnreachable(string problem);
}
