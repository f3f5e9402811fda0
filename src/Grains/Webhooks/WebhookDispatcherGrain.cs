using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeChat.Grains.Webhooks;

/// <summary>
/// The webhook dispatcher of one instance (keyed by its name). Orleans keeps one activation per
/// instance in the cluster, which gives each line (instance × endpoint) a single sender and so one
/// delivery in flight at a time. Its state lives in PostgreSQL, not in the activation: when a silo
/// dies, the next wake-up (an event append, or any silo's <see cref="WebhookOutboxSweeper"/>)
/// activates it on a live silo, which continues from the last acknowledged sequence.
/// </summary>
[GrainType("webhook-dispatcher")]
public sealed partial class WebhookDispatcherGrain(
    PostgresWebhookEndpointStore endpoints,
    PostgresWebhookLineStore lines,
    WebhookTargetResolver resolver,
    WebhookLineServices services,
    IOptions<WebhookOptions> options,
    TimeProvider timeProvider,
    ILogger<WebhookDispatcherGrain> logger) : Grain, IWebhookDispatcherGrain
{
    private static readonly TimeSpan BusyKeepAlive = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, WebhookDeliveryLine> _lines = new(StringComparer.Ordinal);
    private readonly WebhookEndpointCache _endpointCache = new();
    private WebhookEventSelection? _globalSelection;

    private string InstanceName => this.GetPrimaryKeyString();

    private GlobalWebhookOptions Global => options.Value.Global;

    public Task WakeAsync()
    {
        Line(WebhookEndpoints.Instance).Wake(_stopping.Token);
        if (Global.IsConfigured)
            Line(WebhookEndpoints.Global).Wake(_stopping.Token);
        return Task.CompletedTask;
    }

    public Task DeliverAsync(InstanceEventRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!string.Equals(record.InstanceName, InstanceName, StringComparison.Ordinal))
            return WakeAsync(); // not this instance's event: look in the outbox, deliver nothing of it
        Line(WebhookEndpoints.Instance).Offer(record, _stopping.Token);
        if (Global.IsConfigured)
            Line(WebhookEndpoints.Global).Offer(record, _stopping.Token);
        return Task.CompletedTask;
    }

    public async Task<WebhookSetResult> SetAsync(WebhookSetCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (await resolver.CheckUrlAsync(command.Url, cancellationToken) is { } problem)
            return new WebhookSetResult(WebhookSetOutcome.UrlRefused, null, null, problem);

        var existing = await endpoints.GetAsync(InstanceName, cancellationToken);
        var current = existing?.View.InstanceId == command.InstanceId ? existing : null;
        var selection = command.ResetEvents
            ? WebhookEventSelection.Everything
            : command.Events is { } change
                ? (current?.View.Events ?? WebhookEventSelection.Everything).MergedWith(change)
                : current?.View.Events ?? WebhookEventSelection.Everything;

        string? newSecret = null;
        string secret;
        string? previousSecret;
        DateTimeOffset? previousExpiresAt;
        if (current is null || command.RotateSecret)
        {
            newSecret = WebhookSigner.NewSecret();
            secret = newSecret;
            previousSecret = current?.Secret;
            previousExpiresAt = current is null ? null : timeProvider.GetUtcNow() + options.Value.SecretRotationGrace;
        }
        else
        {
            secret = current.Secret;
            previousSecret = current.PreviousSecret;
            previousExpiresAt = current.PreviousSecretExpiresAt;
        }

        // A line starts afresh when the endpoint starts delivering: new, or switched back on.
        var restartLine = command.Enabled && current is not { IsActive: true };
        StoredWebhookEndpoint stored;
        try
        {
            stored = await endpoints.SaveAsync(InstanceName, command.InstanceId, command.Url, command.Enabled, selection,
                secret, previousSecret, previousExpiresAt, restartLine, cancellationToken);
        }
        catch
        {
            // The save may have committed before it failed (e.g. cancelled at the commit): read the row
            // again rather than deliver by the old one, or not at all.
            _endpointCache.Invalidate();
            Line(WebhookEndpoints.Instance).Reload(_stopping.Token);
            throw;
        }

        _endpointCache.Set(stored);
        Line(WebhookEndpoints.Instance).Reload(_stopping.Token);
        LogEndpointSet(InstanceName, command.Enabled, newSecret is not null);
        return new WebhookSetResult(WebhookSetOutcome.Saved, stored.View, newSecret, null);
    }

    public async Task<WebhookReplayResult> ReplayAsync(WebhookReplayRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await TargetAsync(request.Endpoint, cancellationToken) is null)
            return new WebhookReplayResult(WebhookReplayOutcome.NoEndpoint, []);

        var count = await lines.CountEventsAsync(InstanceName, request.EventId, request.FromSequence, request.ToSequence, cancellationToken);
        if (count == 0)
            return new WebhookReplayResult(WebhookReplayOutcome.NothingToReplay, []);
        if (count > options.Value.MaxReplay)
            return new WebhookReplayResult(WebhookReplayOutcome.TooMany, []);

        var sequences = await lines.QueueReplaysAsync(
            InstanceName, request.Endpoint, request.EventId, request.FromSequence, request.ToSequence, cancellationToken);
        Line(request.Endpoint).Reload(_stopping.Token);
        LogReplayQueued(InstanceName, request.Endpoint, sequences.Count);
        return new WebhookReplayResult(WebhookReplayOutcome.Queued, sequences);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_lines.Values.Select(line => line.Completion)).WaitAsync(StopTimeout, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            // Whatever was in flight is delivered again by the next activation (at least once).
        }
    }

    private WebhookDeliveryLine Line(string endpoint)
    {
        if (!_lines.TryGetValue(endpoint, out var line))
        {
            line = new WebhookDeliveryLine(InstanceName, endpoint, services,
                cancellationToken => TargetAsync(endpoint, cancellationToken),
                DisableAsync,
                () => DelayDeactivation(BusyKeepAlive));
            _lines[endpoint] = line;
        }

        return line;
    }

    private async ValueTask<WebhookTarget?> TargetAsync(string endpoint, CancellationToken cancellationToken)
    {
        if (endpoint == WebhookEndpoints.Global)
        {
            if (!Global.IsConfigured)
                return null;
            _globalSelection ??= Global.Selection();
            return new WebhookTarget(WebhookEndpoints.Global, Global.Url!, _globalSelection, [Global.Secret!], InstanceId: null);
        }

        var stored = await _endpointCache.GetAsync(token => endpoints.GetAsync(InstanceName, token), cancellationToken);
        return stored is { IsActive: true } active
            ? new WebhookTarget(WebhookEndpoints.Instance, active.View.Url, active.View.Events,
                active.SigningSecrets(timeProvider.GetUtcNow()), active.View.InstanceId, active.View.UpdatedAt)
            : null;
    }

    private async Task<bool> DisableAsync(WebhookTarget target, string reason, CancellationToken cancellationToken)
    {
        if (target.SetAt is not { } setAt)
            return false;
        try
        {
            return await endpoints.DisableAsync(InstanceName, reason, setAt, cancellationToken);
        }
        finally
        {
            // Read the row again next time, whatever the update did (it may have committed and then failed).
            _endpointCache.Invalidate();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook of instance {InstanceName} set (enabled {Enabled}, new secret {NewSecret})")]
    private partial void LogEndpointSet(string instanceName, bool enabled, bool newSecret);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {InstanceName}/{Endpoint}: {Count} events queued for replay")]
    private partial void LogReplayQueued(string instanceName, string endpoint, int count);
}
