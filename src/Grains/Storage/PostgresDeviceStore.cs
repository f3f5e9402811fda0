using CodeChat.Secrets;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Store;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// One instance's <see cref="IDeviceStore"/> on PostgreSQL (deploy/sql/0020_device_store.sql).
/// Every write is committed before its task completes, so the connection layer can rely on
/// "persisted before used". Safe for concurrent calls: multi-statement changes run in
/// transactions, and prekey generation serialises on the instance's counter row.
/// Secrets are stored only encrypted with Data Protection (the credentials document and prekey
/// private halves; <see cref="SecretPurposes"/>): a copy of the tables opens nothing without the
/// key ring's master key. Public keys and other devices' identity keys stay in clear.
/// </summary>
public sealed class PostgresDeviceStore : IDeviceStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IDataProtector _credentialsProtector;
    private readonly IDataProtector _preKeyProtector;
    private readonly IDataProtector _privacyTokenProtector;

    public PostgresDeviceStore(NpgsqlDataSource dataSource, string instanceName, IDataProtectionProvider protection)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentNullException.ThrowIfNull(protection);
        _dataSource = dataSource;
        InstanceName = instanceName;
        _credentialsProtector = protection.CreateProtector(SecretPurposes.DeviceCredentials);
        _preKeyProtector = protection.CreateProtector(SecretPurposes.DevicePreKey);
        _privacyTokenProtector = protection.CreateProtector(SecretPurposes.PrivacyToken);
    }

    public string InstanceName { get; }

    public async ValueTask<DeviceCredentials?> LoadCredentialsAsync(CancellationToken cancellationToken = default)
    {
        // Rows still in the old plaintext form are converted at silo start-up before any grain runs
        // (ProtectStoredSecretsMigration), so only the protected column is read.
        await using var command = _dataSource.CreateCommand("SELECT credentials_protected FROM device_credentials WHERE instance_name = $1");
        command.Parameters.Add(Text(InstanceName));
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] protectedJson
            ? DeviceCredentialsJson.Deserialize(_credentialsProtector.Unprotect(protectedJson))
            : null;
    }

    public async ValueTask SaveCredentialsAsync(DeviceCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        await using var command = _dataSource.CreateCommand(
            """
            INSERT INTO device_credentials (instance_name, credentials, credentials_protected, updated_at) VALUES ($1, NULL, $2, now())
            ON CONFLICT (instance_name) DO UPDATE SET credentials = NULL, credentials_protected = EXCLUDED.credentials_protected, updated_at = now()
            """);
        command.Parameters.Add(Text(InstanceName));
        command.Parameters.Add(Bytes(_credentialsProtector.Protect(DeviceCredentialsJson.Serialize(credentials))));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<PreKeyRecord>> GetOrGeneratePreKeysAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
            return [];

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var ensureCounter = new NpgsqlCommand(
            "INSERT INTO device_prekey_counters (instance_name, last_issued_id) VALUES ($1, 0) ON CONFLICT (instance_name) DO NOTHING",
            connection, transaction))
        {
            ensureCounter.Parameters.Add(Text(InstanceName));
            await ensureCounter.ExecuteNonQueryAsync(cancellationToken);
        }

        uint lastIssued;
        await using (var lockCounter = new NpgsqlCommand(
            "SELECT last_issued_id FROM device_prekey_counters WHERE instance_name = $1 FOR UPDATE", connection, transaction))
        {
            lockCounter.Parameters.Add(Text(InstanceName));
            lastIssued = (uint)(int)(await lockCounter.ExecuteScalarAsync(cancellationToken))!;
        }

        var keys = new List<PreKeyRecord>(count);
        await using (var pending = new NpgsqlCommand(
            "SELECT id, public_key, private_key_protected FROM device_prekeys WHERE instance_name = $1 AND NOT uploaded ORDER BY id LIMIT $2",
            connection, transaction))
        {
            pending.Parameters.Add(Text(InstanceName));
            pending.Parameters.Add(new NpgsqlParameter { Value = count });
            await using var reader = await pending.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                keys.Add(ReadPreKey(reader, uploaded: false));
        }

        if (keys.Count < count)
        {
            var fresh = new List<PreKeyRecord>(count - keys.Count);
            while (keys.Count + fresh.Count < count)
            {
                lastIssued = checked(lastIssued + 1);
                fresh.Add(PreKeyRecord.Generate(lastIssued));
            }

            await using (var insert = new NpgsqlCommand(
                """
                INSERT INTO device_prekeys (instance_name, id, public_key, private_key_protected, uploaded)
                SELECT $1, id, public_key, private_key_protected, false
                FROM unnest($2::integer[], $3::bytea[], $4::bytea[]) AS fresh (id, public_key, private_key_protected)
                """, connection, transaction))
            {
                insert.Parameters.Add(Text(InstanceName));
                insert.Parameters.Add(new NpgsqlParameter { Value = fresh.Select(key => (int)key.Id).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = fresh.Select(key => key.KeyPair.PublicKey).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = fresh.Select(key => _preKeyProtector.Protect(key.KeyPair.PrivateKey)).ToArray() });
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var advance = new NpgsqlCommand(
                "UPDATE device_prekey_counters SET last_issued_id = $2 WHERE instance_name = $1", connection, transaction))
            {
                advance.Parameters.Add(Text(InstanceName));
                advance.Parameters.Add(new NpgsqlParameter { Value = (int)lastIssued });
                await advance.ExecuteNonQueryAsync(cancellationToken);
            }

            keys.AddRange(fresh);
        }

        await transaction.CommitAsync(cancellationToken);
        return keys;
    }

    public async ValueTask MarkPreKeysUploadedAsync(uint lastId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "UPDATE device_prekeys SET uploaded = true WHERE instance_name = $1 AND id <= $2 AND NOT uploaded");
        command.Parameters.Add(Text(InstanceName));
        command.Parameters.Add(new NpgsqlParameter { Value = (long)lastId, NpgsqlDbType = NpgsqlDbType.Bigint });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<PreKeyRecord?> GetPreKeyAsync(uint id, CancellationToken cancellationToken = default)
    {
        if (id is 0 or > PreKeyRecord.MaxId)
            return null;
        await using var command = _dataSource.CreateCommand(
            "SELECT id, public_key, private_key_protected, uploaded FROM device_prekeys WHERE instance_name = $1 AND id = $2");
        command.Parameters.Add(Text(InstanceName));
        command.Parameters.Add(new NpgsqlParameter { Value = (int)id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadPreKey(reader, reader.GetBoolean(3)) : null;
    }

    public async ValueTask RemovePreKeyAsync(uint id, CancellationToken cancellationToken = default)
    {
        if (id is 0 or > PreKeyRecord.MaxId)
            return;
        await using var command = _dataSource.CreateCommand("DELETE FROM device_prekeys WHERE instance_name = $1 AND id = $2");
        command.Parameters.Add(Text(InstanceName));
        command.Parameters.Add(new NpgsqlParameter { Value = (int)id });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<int> CountUploadedPreKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM device_prekeys WHERE instance_name = $1 AND uploaded");
        command.Parameters.Add(Text(InstanceName));
        return checked((int)(long)(await command.ExecuteScalarAsync(cancellationToken))!);
    }

    public async ValueTask SaveIdentityAsync(Jid device, byte[] identityKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identityKey);
        await using var command = _dataSource.CreateCommand(
            """
            INSERT INTO device_identities (instance_name, device_jid, identity_key, updated_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (instance_name, device_jid) DO UPDATE SET identity_key = EXCLUDED.identity_key, updated_at = now()
            """);
        command.Parameters.Add(Text(InstanceName));
        command.Parameters.Add(Text(device.ToString()));
        command.Parameters.Add(new NpgsqlParameter { Value = identityKey, NpgsqlDbType = NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<byte[]?> GetIdentityAsync(Jid device, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT identity_key FROM device_identities WHERE instance_name = $1 AND device_jid = $2");
        command.Parameters.Add(Text(InstanceName));
        command.Parameters.Add(Text(device.ToString()));
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    public async ValueTask SaveLidMappingAsync(Jid lid, Jid phoneNumber, CancellationToken cancellationToken = default)
    {
        if (!lid.IsLid)
            throw new ArgumentException($"'{lid}' is not a LID.", nameof(lid));
        if (!phoneNumber.IsUserPn)
            throw new ArgumentException($"'{phoneNumber}' is not a phone-number JID.", nameof(phoneNumber));

        var lidUser = lid.ToNonAd().ToString();
        var phoneUser = phoneNumber.ToNonAd().ToString();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One writer of this instance's mappings at a time: two callers learning the same pair at once
        // (a group's metadata and a message of its member) would both delete nothing and both insert,
        // and the second would fail on the primary key.
        await using (var serialize = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('device_lid_mappings:' || $1, 0))", connection, transaction))
        {
            serialize.Parameters.Add(Text(InstanceName));
            await serialize.ExecuteNonQueryAsync(cancellationToken);
        }
        // A user that changed number (or a LID re-assigned) replaces the old pairing in both directions.
        await using (var clear = new NpgsqlCommand(
            "DELETE FROM device_lid_mappings WHERE instance_name = $1 AND (lid = $2 OR phone_number = $3)", connection, transaction))
        {
            clear.Parameters.Add(Text(InstanceName));
            clear.Parameters.Add(Text(lidUser));
            clear.Parameters.Add(Text(phoneUser));
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO device_lid_mappings (instance_name, lid, phone_number) VALUES ($1, $2, $3)", connection, transaction))
        {
            insert.Parameters.Add(Text(InstanceName));
            insert.Parameters.Add(Text(lidUser));
            insert.Parameters.Add(Text(phoneUser));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public ValueTask<Jid?> GetLidForPhoneNumberAsync(Jid phoneNumber, CancellationToken cancellationToken = default) =>
        LookUpMappingAsync("SELECT lid FROM device_lid_mappings WHERE instance_name = $1 AND phone_number = $2", phoneNumber, cancellationToken);

    public ValueTask<Jid?> GetPhoneNumberForLidAsync(Jid lid, CancellationToken cancellationToken = default) =>
        LookUpMappingAsync("SELECT phone_number FROM device_lid_mappings WHERE instance_name = $1 AND lid = $2", lid, cancellationToken);

    public async ValueTask<PrivacyTokenRecord?> GetPrivacyTokenAsync(Jid contact, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT token_protected, token_timestamp, issued_to_contact FROM device_privacy_tokens WHERE instance_name = $1 AND contact_jid = $2");
        command.Parameters.Add(Text(InstanceName));
        command.Parameters.Add(Text(contact.ToNonAd().ToString()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return new PrivacyTokenRecord(
            reader.IsDBNull(0) ? null : _privacyTokenProtector.Unprotect(reader.GetFieldValue<byte[]>(0)),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
    }

    public async ValueTask SaveReceivedPrivacyTokenAsync(Jid contact, byte[] token, DateTimeOffset timestamp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        // A token never replaces one with a later timestamp (notifications may arrive out of order).
        await using var command = _dataSource.CreateCommand(
            """
            INSERT INTO device_privacy_tokens (instance_name, contact_jid, token_protected, token_timestamp) VALUES ($1, $2, $3, $4)
            ON CONFLICT (instance_name, contact_jid) DO UPDATE
                SET token_protected = EXCLUDED.token_protected, token_timestamp = EXCLUDED.token_timestamp, updated_at = now()
                WHERE device_privacy_tokens.token_timestamp IS NULL OR device_privacy_tokens.token_timestamp <= EXCLUDED.token_timestamp
            """);
        command.Parameters.Add(Text(InstanceName));
        command.Parameters.Add(Text(contact.ToNonAd().ToString()));
        command.Parameters.Add(Bytes(_privacyTokenProtector.Protect(token)));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = timestamp });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask SaveIssuedPrivacyTokenAsync(Jid contact, DateTimeOffset issuedAt, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            """
            INSERT INTO device_privacy_tokens (instance_name, contact_jid, issued_to_contact) VALUES ($1, $2, $3)
            ON CONFLICT (instance_name, contact_jid) DO UPDATE SET issued_to_contact = EXCLUDED.issued_to_contact, updated_at = now()
            """);
        command.Parameters.Add(Text(InstanceName));
        command.Parameters.Add(Text(contact.ToNonAd().ToString()));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = issuedAt });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Logout / 401: removes credentials, prekeys, identities, mappings, privacy tokens, Signal sessions and sender
    /// keys (<see cref="PostgresSignalSessionStore"/>'s and <see cref="PostgresSenderKeyStore"/>'s
    /// rows) in one transaction. The
    /// prekey counter stays, so ids keep counting for the life of the instance.
    /// </summary>
    public ValueTask WipeAsync(CancellationToken cancellationToken = default) => DeleteAsync(includeCounter: false, cancellationToken);

    /// <summary>Instance deletion: like <see cref="WipeAsync"/>, and the prekey counter goes too.</summary>
    public ValueTask PurgeAsync(CancellationToken cancellationToken = default) => DeleteAsync(includeCounter: true, cancellationToken);

    private async ValueTask DeleteAsync(bool includeCounter, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // App-state keys and versions belong to the link: a new link gets new keys from its phone and syncs from scratch.
        var tables = new List<string> { "device_credentials", "device_prekeys", "device_identities", "device_lid_mappings", "device_privacy_tokens", "signal_sessions", "signal_sender_keys", "app_state_sync_keys", "app_state_collections" };
        if (includeCounter)
            tables.Add("device_prekey_counters");
        foreach (var table in tables)
        {
            await using var delete = new NpgsqlCommand($"DELETE FROM {table} WHERE instance_name = $1", connection, transaction);
            delete.Parameters.Add(Text(InstanceName));
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private async ValueTask<Jid?> LookUpMappingAsync(string sql, Jid key, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(Text(InstanceName));
        command.Parameters.Add(Text(key.ToNonAd().ToString()));
        return await command.ExecuteScalarAsync(cancellationToken) is string found ? Jid.Parse(found) : null;
    }

    private PreKeyRecord ReadPreKey(NpgsqlDataReader reader, bool uploaded) =>
        new((uint)reader.GetInt32(0),
            new KeyPairRecord(reader.GetFieldValue<byte[]>(1), _preKeyProtector.Unprotect(reader.GetFieldValue<byte[]>(2))),
            uploaded);

    private static NpgsqlParameter Text(string value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter Bytes(byte[] value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Bytea };
}
