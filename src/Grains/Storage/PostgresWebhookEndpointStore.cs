using System.Text.Json;
using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Webhooks;
using CodeChat.Secrets;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// The <c>webhook_endpoints</c> table (deploy/sql/0030_webhooks.sql). The signing secrets are stored
/// only encrypted with Data Protection (<see cref="SecretPurposes.WebhookSigningSecret"/>,
/// deploy/sql/0032); rows older versions stored in clear are encrypted at start-up before any grain
/// runs (ProtectWebhookSecretsMigration), so only the protected columns are read.
/// </summary>
public sealed class PostgresWebhookEndpointStore(NpgsqlDataSource dataSource, IDataProtectionProvider protection)
{
    private const string ViewColumns =
        "id, url, enabled, events::text, instance_id, created_at, updated_at, disabled_reason, previous_secret_expires_at";

    private const string Columns = ViewColumns + ", secret_protected, previous_secret_protected";

    private readonly IDataProtector _protector = protection.CreateProtector(SecretPurposes.WebhookSigningSecret);

    public async Task<StoredWebhookEndpoint?> GetAsync(string instanceName, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM webhook_endpoints WHERE instance_name = $1");
        command.Parameters.Add(Text(instanceName));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Views of the endpoints set for these incarnations, by instance name.</summary>
    public async Task<IReadOnlyDictionary<string, WebhookEndpointView>> FindAsync(
        IReadOnlyList<Abstractions.Webhooks.InstanceKey> instances, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, WebhookEndpointView>(StringComparer.Ordinal);
        if (instances.Count == 0)
            return found;
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT e.instance_name, {string.Join(", ", ViewColumns.Split(", ").Select(column => "e." + column))}
            FROM webhook_endpoints e JOIN unnest($1::text[], $2::bigint[]) AS k(name, id)
              ON e.instance_name = k.name AND e.instance_id = k.id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = instances.Select(i => i.Name).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = instances.Select(i => i.Id).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            found[reader.GetString(0)] = ReadView(reader, offset: 1);
        return found;
    }

    /// <summary>
    /// Writes the endpoint and, when it starts delivering afresh (new, another incarnation's, or
    /// switched back on), moves its line to the instance's last event: an endpoint receives the events
    /// raised while it is on, and earlier ones only by replay. One transaction.
    /// </summary>
    public async Task<StoredWebhookEndpoint> SaveAsync(
        string instanceName, long instanceId, string url, bool enabled, WebhookEventSelection events,
        string secret, string? previousSecret, DateTimeOffset? previousSecretExpiresAt, bool restartLine,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        StoredWebhookEndpoint stored;
        await using (var upsert = new NpgsqlCommand(
            $"""
            INSERT INTO webhook_endpoints (instance_name, instance_id, url, enabled, events, secret_protected, previous_secret_protected,
                                           previous_secret_expires_at, disabled_reason, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5::json, $6, $7, $8, NULL, now(), now())
            ON CONFLICT (instance_name) DO UPDATE SET
                instance_id = EXCLUDED.instance_id, url = EXCLUDED.url, enabled = EXCLUDED.enabled,
                events = EXCLUDED.events, secret_protected = EXCLUDED.secret_protected,
                previous_secret_protected = EXCLUDED.previous_secret_protected,
                previous_secret_expires_at = EXCLUDED.previous_secret_expires_at, disabled_reason = NULL,
                created_at = CASE WHEN webhook_endpoints.instance_id = EXCLUDED.instance_id
                                  THEN webhook_endpoints.created_at ELSE now() END,
                updated_at = now()
            RETURNING {Columns}
            """, connection, transaction))
        {
            upsert.Parameters.Add(Text(instanceName));
            upsert.Parameters.Add(new NpgsqlParameter { Value = instanceId });
            upsert.Parameters.Add(Text(url));
            upsert.Parameters.Add(new NpgsqlParameter { Value = enabled });
            upsert.Parameters.Add(Text(events.Flags is null ? null : JsonSerializer.Serialize(events.Flags)));
            upsert.Parameters.Add(Text(_protector.Protect(secret)));
            upsert.Parameters.Add(Text(previousSecret is null ? null : _protector.Protect(previousSecret)));
            upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)previousSecretExpiresAt?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            stored = Read(reader);
        }

        if (restartLine)
        {
            await using var restart = new NpgsqlCommand(
                """
                INSERT INTO webhook_lines (instance_name, endpoint, acked_sequence)
                VALUES ($1, 'instance', coalesce((SELECT last_sequence FROM instance_event_sequences WHERE instance_name = $1), 0))
                ON CONFLICT (instance_name, endpoint) DO UPDATE SET
                    acked_sequence = EXCLUDED.acked_sequence, head_attempts = 0, head_failed_at = NULL,
                    next_attempt_at = NULL, updated_at = now()
                """, connection, transaction);
            restart.Parameters.Add(Text(instanceName));
            await restart.ExecuteNonQueryAsync(cancellationToken);
            await using var dropReplays = new NpgsqlCommand(
                "DELETE FROM webhook_replays WHERE instance_name = $1 AND endpoint = 'instance'", connection, transaction);
            dropReplays.Parameters.Add(Text(instanceName));
            await dropReplays.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <summary>
    /// The receiver answered 410 Gone: stop delivering until the operator sets the webhook again —
    /// unless the row changed after <paramref name="setAt"/> (its <c>updated_at</c> when the attempt
    /// began): a webhook/set meanwhile may point elsewhere, and the operator's latest word stands.
    /// Returns whether it switched the endpoint off.
    /// </summary>
    public async Task<bool> DisableAsync(string instanceName, string reason, DateTimeOffset setAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE webhook_endpoints SET disabled_reason = $2, updated_at = now() WHERE instance_name = $1 AND updated_at = $3");
        command.Parameters.Add(Text(instanceName));
        command.Parameters.Add(Text(reason));
        command.Parameters.Add(new NpgsqlParameter { Value = setAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The row with its secrets decrypted (only for the dispatcher, which signs with them).</summary>
    private StoredWebhookEndpoint Read(NpgsqlDataReader reader)
    {
        var view = ReadView(reader);
        return new StoredWebhookEndpoint(
            view,
            _protector.Unprotect(reader.GetString(9)),
            reader.IsDBNull(10) ? null : _protector.Unprotect(reader.GetString(10)),
            view.PreviousSecretValidUntil);
    }

    /// <summary>What the routes show: everything but the secrets, which are not even decrypted.</summary>
    private static WebhookEndpointView ReadView(NpgsqlDataReader reader, int offset = 0)
    {
        var eventsJson = reader.IsDBNull(offset + 3) ? null : reader.GetString(offset + 3);
        return new WebhookEndpointView
        {
            Id = reader.GetInt64(offset),
            Url = reader.GetString(offset + 1),
            Enabled = reader.GetBoolean(offset + 2),
            Events = eventsJson is null
                ? WebhookEventSelection.Everything
                : new WebhookEventSelection(JsonSerializer.Deserialize<Dictionary<string, bool>>(eventsJson)),
            InstanceId = reader.GetInt64(offset + 4),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(offset + 5),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(offset + 6),
            DisabledReason = reader.IsDBNull(offset + 7) ? null : reader.GetString(offset + 7),
            PreviousSecretValidUntil = reader.IsDBNull(offset + 8) ? null : reader.GetFieldValue<DateTimeOffset>(offset + 8),
        };
    }

    private static NpgsqlParameter Text(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
