using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Sessions;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>The <c>instance_sessions</c> projection (deploy/sql/0022_instance_sessions.sql).</summary>
public sealed class PostgresSessionDirectory(NpgsqlDataSource dataSource)
{
    public async Task UpsertAsync(string instanceName, InstanceConnectionState desiredState, InstanceConnectionState actualState, int statusReason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO instance_sessions (instance_name, desired_state, actual_state, status_reason, updated_at)
            VALUES ($1, $2, $3, $4, now())
            ON CONFLICT (instance_name) DO UPDATE SET desired_state = EXCLUDED.desired_state,
                actual_state = EXCLUDED.actual_state, status_reason = EXCLUDED.status_reason, updated_at = now()
            """);
        command.Parameters.Add(Text(instanceName));
        command.Parameters.Add(Text(desiredState.ToText()));
        command.Parameters.Add(Text(actualState.ToText()));
        command.Parameters.Add(new NpgsqlParameter { Value = statusReason });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Names of the instances whose session should be running.</summary>
    public async Task<IReadOnlyList<string>> WantedConnectedAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT instance_name FROM instance_sessions WHERE desired_state = $1 ORDER BY instance_name");
        command.Parameters.Add(Text(InstanceConnectionState.Open.ToText()));
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>
    /// Names of the instances that stopped because WhatsApp refused the client version as outdated
    /// (closed with 405 and not wanted connected) no later than <paramref name="before"/>, i.e. refused
    /// with a version in use before that moment: a newer version can bring them back.
    /// </summary>
    public async Task<IReadOnlyList<string>> RefusedAsOutdatedAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT instance_name FROM instance_sessions
            WHERE desired_state = $1 AND actual_state = $1 AND status_reason = $2 AND updated_at <= $3
            ORDER BY instance_name
            """);
        command.Parameters.Add(Text(InstanceConnectionState.Close.ToText()));
        command.Parameters.Add(new NpgsqlParameter { Value = ConnectionStatusReasons.ClientOutdated });
        command.Parameters.Add(new NpgsqlParameter { Value = before.ToUniversalTime() });
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            names.Add(reader.GetString(0));
        return names;
    }

    private static NpgsqlParameter Text(string value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Text };
}
