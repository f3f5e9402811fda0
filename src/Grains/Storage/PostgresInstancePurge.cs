using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;
using Orleans.Storage;

namespace CodeChat.Grains.Storage;

/// <summary>
/// Deletes everything stored for one instance in one PostgreSQL transaction: the registry row, the
/// session projection, the event outbox, the messages, chats and contacts, the send queues, device keys, Signal sessions and sender keys, webhook
/// settings and delivery records, and the grain's own Orleans state and reminders. Either all of it
/// goes or, when any statement fails, none of it does, so a failed delete can simply be retried.
/// </summary>
/// <remarks>
/// <c>instance_event_sequences</c> keeps its counter on purpose: it holds only a number, and a
/// re-created instance of the same name then continues the sequence instead of restarting it, so a
/// webhook dispatcher that still remembers the old instance's acknowledged sequence cannot mistake
/// the new instance's first events for ones it already delivered.
/// </remarks>
public sealed class PostgresInstancePurge(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster)
{
    /// <summary>Tables whose <c>instance_name</c> column holds the instance's name, in deletion order.</summary>
    public static readonly IReadOnlyList<string> InstanceNameTables =
    [
        "webhook_replays", "webhook_attempts", "webhook_dead_letters", "webhook_lines", "webhook_endpoints",
        "send_queue_recipients", "send_queues",
        "message_updates", "messages", "chats", "contacts",
        "instance_events", "instance_sessions",
        "signal_sessions", "signal_sender_keys", "app_state_sync_keys", "app_state_collections",
        "device_credentials", "device_prekeys", "device_prekey_counters", "device_identities", "device_lid_mappings",
        "device_privacy_tokens",
    ];

    /// <summary>
    /// Deletes the instance. <paramref name="stateName"/> and <paramref name="stateETag"/> are the
    /// grain's persistent state as it last read or wrote it: when another activation has written the
    /// state since, the state row does not match and the whole delete is rolled back with
    /// <see cref="InconsistentStateException"/>, as an ETag-checked write would be.
    /// </summary>
    public async Task DeleteAsync(string instanceName, string grainId, string stateName, string? stateETag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        foreach (var table in InstanceNameTables)
            await ExecuteAsync(connection, transaction, $"DELETE FROM {table} WHERE instance_name = $1", cancellationToken, Text(instanceName));
        await ExecuteAsync(connection, transaction, "DELETE FROM instances WHERE name = $1", cancellationToken, Text(instanceName));
        await ExecuteAsync(connection, transaction, "DELETE FROM OrleansRemindersTable WHERE ServiceId = $1 AND GrainId = $2", cancellationToken,
            Text(cluster.Value.ServiceId), Text(grainId));
        // The watchdogs of the instance's send queues (grain keys "<instance>/<queue id>", SendQueueKeys).
        await ExecuteAsync(connection, transaction, "DELETE FROM OrleansRemindersTable WHERE ServiceId = $1 AND starts_with(GrainId, $2)", cancellationToken,
            Text(cluster.Value.ServiceId), Text($"sendqueue/{instanceName}/"));

        // Orleans' ADO.NET storage keys a string-keyed grain's state by the state name and the key.
        var stateRows = await ExecuteAsync(connection, transaction,
            "DELETE FROM OrleansStorage WHERE ServiceId = $1 AND GrainTypeString = $2 AND GrainIdExtensionString = $3 AND Version = $4",
            cancellationToken,
            Text(cluster.Value.ServiceId), Text(stateName), Text(instanceName),
            new NpgsqlParameter { Value = stateETag is null ? DBNull.Value : int.Parse(stateETag, CultureInfo.InvariantCulture), NpgsqlDbType = NpgsqlDbType.Integer });
        if (stateRows != 1)
        {
            // Nothing was committed: the transaction is disposed without a commit.
            throw new InconsistentStateException(
                $"The state of instance '{instanceName}' changed since this activation read it (ETag {stateETag}); nothing was deleted.");
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<int> ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlParameter Text(string value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Text };
}
