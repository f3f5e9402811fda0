using CodeChat.Secrets;
using CodeChat.WhatsApp.Signal;
using CodeChat.WhatsApp.Store;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// One instance's Signal session records on PostgreSQL (deploy/sql/0040_signal_sessions.sql). A
/// batch of records (one message's fan-out) is written by one statement, so it is all or nothing;
/// migrations move records in one transaction. Records hold private ratchet keys, so they are
/// stored only encrypted with Data Protection (<see cref="SecretPurposes.SignalSession"/>); a move
/// copies the encrypted bytes as they are.
/// </summary>
public sealed class PostgresSignalSessionStore : ISignalSessionStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IDataProtector _protector;

    public PostgresSignalSessionStore(NpgsqlDataSource dataSource, string instanceName, IDataProtectionProvider protection)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentNullException.ThrowIfNull(protection);
        _dataSource = dataSource;
        InstanceName = instanceName;
        _protector = protection.CreateProtector(SecretPurposes.SignalSession);
    }

    public string InstanceName { get; }

    public async ValueTask<byte[]?> LoadSessionAsync(SignalAddress address, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT record FROM signal_sessions WHERE instance_name = $1 AND address_name = $2 AND device_id = $3");
        command.Parameters.Add(Text(InstanceName));
        command.Parameters.Add(Text(address.Name));
        command.Parameters.Add(Device(address.DeviceId));
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] record ? _protector.Unprotect(record) : null;
    }

    public async ValueTask<IReadOnlyDictionary<SignalAddress, byte[]>> LoadSessionsAsync(IReadOnlyCollection<SignalAddress> addresses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var found = new Dictionary<SignalAddress, byte[]>(addresses.Count);
        if (addresses.Count == 0)
        {
            return found;
        }
        await using var command = _dataSource.CreateCommand(
            """
            SELECT s.address_name, s.device_id, s.record
            FROM signal_sessions s
            JOIN unnest($2::text[], $3::integer[]) AS wanted (address_name, device_id)
              ON s.address_name = wanted.address_name AND s.device_id = wanted.device_id
            WHERE s.instance_name = $1
            """);
        command.Parameters.Add(Text(InstanceName));
        command.Parameters.Add(new NpgsqlParameter { Value = addresses.Select(a => a.Name).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = addresses.Select(a => DeviceValue(a.DeviceId)).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[new SignalAddress(reader.GetString(0), (uint)reader.GetInt32(1))] = _protector.Unprotect(reader.GetFieldValue<byte[]>(2));
        }
        return found;
    }

    public async ValueTask StoreSessionsAsync(IReadOnlyCollection<KeyValuePair<SignalAddress, byte[]>> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }
        // One statement: PostgreSQL applies all rows or none.
        await using var command = _dataSource.CreateCommand(
            """
            INSERT INTO signal_sessions (instance_name, address_name, device_id, record, updated_at)
            SELECT $1, address_name, device_id, record, now()
            FROM unnest($2::text[], $3::integer[], $4::bytea[]) AS batch (address_name, device_id, record)
            ON CONFLICT (instance_name, address_name, device_id)
            DO UPDATE SET record = EXCLUDED.record, updated_at = now()
            """);
        command.Parameters.Add(Text(InstanceName));
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Key.Name).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => DeviceValue(r.Key.DeviceId)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => _protector.Protect(r.Value)).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DeleteSessionAsync(SignalAddress address, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "DELETE FROM signal_sessions WHERE instance_name = $1 AND address_name = $2 AND device_id = $3");
        command.Parameters.Add(Text(InstanceName));
        command.Parameters.Add(Text(address.Name));
        command.Parameters.Add(Device(address.DeviceId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<SignalAddress>> ListSessionsAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await using var command = _dataSource.CreateCommand(
            "SELECT device_id FROM signal_sessions WHERE instance_name = $1 AND address_name = $2 ORDER BY device_id");
        command.Parameters.Add(Text(InstanceName));
        command.Parameters.Add(Text(name));
        var addresses = new List<SignalAddress>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            addresses.Add(new SignalAddress(name, (uint)reader.GetInt32(0)));
        }
        return addresses;
    }

    public async ValueTask MoveSessionsAsync(IReadOnlyCollection<KeyValuePair<SignalAddress, SignalAddress>> moves, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(moves);
        if (moves.Count == 0)
        {
            return;
        }
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var sourceNames = moves.Select(m => m.Key.Name).ToArray();
        var sourceDevices = moves.Select(m => DeviceValue(m.Key.DeviceId)).ToArray();
        await using (var copy = new NpgsqlCommand(
            """
            INSERT INTO signal_sessions (instance_name, address_name, device_id, record, updated_at)
            SELECT s.instance_name, m.target_name, m.target_device, s.record, now()
            FROM unnest($2::text[], $3::integer[], $4::text[], $5::integer[]) AS m (source_name, source_device, target_name, target_device)
            JOIN signal_sessions s
              ON s.instance_name = $1 AND s.address_name = m.source_name AND s.device_id = m.source_device
            ON CONFLICT (instance_name, address_name, device_id) DO NOTHING
            """, connection, transaction))
        {
            copy.Parameters.Add(Text(InstanceName));
            copy.Parameters.Add(new NpgsqlParameter { Value = sourceNames });
            copy.Parameters.Add(new NpgsqlParameter { Value = sourceDevices });
            copy.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.Value.Name).ToArray() });
            copy.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => DeviceValue(m.Value.DeviceId)).ToArray() });
            await copy.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var delete = new NpgsqlCommand(
            """
            DELETE FROM signal_sessions s
            USING unnest($2::text[], $3::integer[]) AS m (source_name, source_device)
            WHERE s.instance_name = $1 AND s.address_name = m.source_name AND s.device_id = m.source_device
            """, connection, transaction))
        {
            delete.Parameters.Add(Text(InstanceName));
            delete.Parameters.Add(new NpgsqlParameter { Value = sourceNames });
            delete.Parameters.Add(new NpgsqlParameter { Value = sourceDevices });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Deletes every record of the instance (logout, 401, instance deletion).</summary>
    public async ValueTask DeleteAllSessionsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM signal_sessions WHERE instance_name = $1");
        command.Parameters.Add(Text(InstanceName));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static int DeviceValue(uint deviceId) => checked((int)deviceId);

    private static NpgsqlParameter Device(uint deviceId) => new() { Value = DeviceValue(deviceId), NpgsqlDbType = NpgsqlDbType.Integer };

    private static NpgsqlParameter Text(string value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Text };
}
