using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Events;
using CodeChat.Grains.Storage;
using Npgsql;
using Orleans.Concurrency;

namespace CodeChat.Grains.Webhooks;

[GrainType("webhook-query")]
[StatelessWorker]
public sealed class WebhookQueryGrain(
    PostgresWebhookEndpointStore endpoints,
    PostgresWebhookLineStore lines,
    PostgresInstanceEventStore events,
    NpgsqlDataSource dataSource) : Grain, IWebhookQueryGrain
{
    public Task<IReadOnlyDictionary<string, WebhookEndpointView>> FindEndpointsAsync(
        IReadOnlyList<InstanceKey> instances, CancellationToken cancellationToken = default) =>
        endpoints.FindAsync(instances, cancellationToken);

    public Task<IReadOnlyList<WebhookAttemptView>> ListAttemptsAsync(WebhookLogQuery query, CancellationToken cancellationToken = default) =>
        lines.ListAttemptsAsync(query, cancellationToken);

    public Task<IReadOnlyList<WebhookDeadLetterView>> ListDeadLettersAsync(WebhookLogQuery query, CancellationToken cancellationToken = default) =>
        lines.ListDeadLettersAsync(query, cancellationToken);

    public Task<IReadOnlyList<InstanceEventRecord>> ReadEventsAsync(
        string instanceName, long afterSequence, int limit, CancellationToken cancellationToken = default) =>
        events.ReadAsync(instanceName, afterSequence, limit, cancellationToken);

    public async Task<long> LastSequenceAsync(string instanceName, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT last_sequence FROM instance_event_sequences WHERE instance_name = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = instanceName });
        return await command.ExecuteScalarAsync(cancellationToken) is long last ? last : 0;
    }
}
