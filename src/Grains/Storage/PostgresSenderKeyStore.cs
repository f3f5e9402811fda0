using CodeChat.Secrets;
using CodeChat.WhatsApp.Signal.Groups;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// One instance's sender-key records on PostgreSQL (deploy/sql/0045_signal_sender_keys.sql). A
/// store is committed when its task completes, so a group chain step is durable before the
/// ciphertext or plaintext it produced is used. Records hold chain keys (and, for our own sender
/// key, the signing private key), so they are stored only encrypted with Data Protection
/// (<see cref="SecretPurposes.SignalSenderKey"/>). <see cref="PostgresDeviceStore"/>'s wipe and purge
/// remove the rows with the rest of the device.
/// </summary>
public sealed class PostgresSenderKeyStore : ISenderKeyStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IDataProtector _protector;

    public PostgresSenderKeyStore(NpgsqlDataSource dataSource, string instanceName, IDataProtectionProvider protection)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentNullException.ThrowIfNull(protection);
        _dataSource = dataSource;
        InstanceName = instanceName;
        _protector = protection.CreateProtector(SecretPurposes.SignalSenderKey);
    }

    public string InstanceName { get; }

    public async ValueTask<SenderKeyRecord?> LoadSenderKeyAsync(SenderKeyName name, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT record FROM signal_sender_keys WHERE instance_name = $1 AND group_jid = $2 AND address_name = $3 AND device_id = $4");
        AddKey(command, name);
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] record ? SenderKeyRecord.Deserialize(_protector.Unprotect(record)) : null;
    }

    public async ValueTask StoreSenderKeyAsync(SenderKeyName name, SenderKeyRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var command = _dataSource.CreateCommand(
            """
            INSERT INTO signal_sender_keys (instance_name, group_jid, address_name, device_id, record, updated_at)
            VALUES ($1, $2, $3, $4, $5, now())
            ON CONFLICT (instance_name, group_jid, address_name, device_id)
            DO UPDATE SET record = EXCLUDED.record, updated_at = now()
            """);
        AddKey(command, name);
        command.Parameters.Add(new NpgsqlParameter { Value = _protector.Protect(record.Serialize()), NpgsqlDbType = NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask RemoveSenderKeyAsync(SenderKeyName name, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "DELETE FROM signal_sender_keys WHERE instance_name = $1 AND group_jid = $2 AND address_name = $3 AND device_id = $4");
        AddKey(command, name);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private void AddKey(NpgsqlCommand command, SenderKeyName name)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = InstanceName, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = name.Group.ToString(), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = name.Sender.Name, NpgsqlDbType = NpgsqlDbType.Text });
        // SignalAddress device ids are JID device numbers (ushort), so they always fit.
        command.Parameters.Add(new NpgsqlParameter { Value = checked((int)name.Sender.DeviceId), NpgsqlDbType = NpgsqlDbType.Integer });
    }
}
