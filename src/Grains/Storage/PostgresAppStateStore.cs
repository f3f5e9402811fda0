using CodeChat.Secrets;
using CodeChat.WhatsApp.AppState;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// App-state keys and collection versions on PostgreSQL (deploy/sql/0170_app_state.sql). Key data is
/// stored only encrypted (<see cref="SecretPurposes.AppStateSyncKey"/>). A collection's new state is
/// written by <see cref="PostgresAppStateApplier"/> in the transaction that applies its mutations.
/// </summary>
public sealed class PostgresAppStateStore(NpgsqlDataSource dataSource, IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector(SecretPurposes.AppStateSyncKey);

    /// <summary>Stores keys the phone shared (a key already held is kept as it is). Returns how many were new.</summary>
    public async Task<int> SaveKeysAsync(string instanceName, IEnumerable<AppStateSyncKeyRecord> keys, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentNullException.ThrowIfNull(keys);
        var added = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var key in keys)
        {
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO app_state_sync_keys (instance_name, key_id, key_data_protected, key_timestamp)
                VALUES ($1, $2, $3, $4) ON CONFLICT (instance_name, key_id) DO NOTHING
                """, connection, transaction);
            insert.Parameters.Add(PostgresChatStore.Text(instanceName));
            insert.Parameters.Add(Bytes(key.KeyId));
            insert.Parameters.Add(Bytes(_protector.Protect(key.KeyData)));
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = key.Timestamp });
            added += await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    /// <summary>The expanded keys of the ids held, by base64 key id.</summary>
    public async Task<IReadOnlyDictionary<string, AppStateKeys>> GetKeysAsync(string instanceName, IEnumerable<byte[]> keyIds, CancellationToken cancellationToken)
    {
        var ids = keyIds.ToArray();
        var found = new Dictionary<string, AppStateKeys>(StringComparer.Ordinal);
        if (ids.Length == 0)
            return found;
        await using var command = dataSource.CreateCommand(
            "SELECT key_id, key_data_protected FROM app_state_sync_keys WHERE instance_name = $1 AND key_id = ANY($2)");
        command.Parameters.Add(PostgresChatStore.Text(instanceName));
        command.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            found[Convert.ToBase64String(reader.GetFieldValue<byte[]>(0))] = AppStateKeys.Expand(_protector.Unprotect(reader.GetFieldValue<byte[]>(1)));
        return found;
    }

    /// <summary>The newest key (by the phone's timestamp), which our own patches use; null before the phone shared any.</summary>
    public async Task<(byte[] KeyId, AppStateKeys Keys)?> GetLatestKeyAsync(string instanceName, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT key_id, key_data_protected FROM app_state_sync_keys WHERE instance_name = $1 ORDER BY key_timestamp DESC, created_at DESC LIMIT 1");
        command.Parameters.Add(PostgresChatStore.Text(instanceName));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return (reader.GetFieldValue<byte[]>(0), AppStateKeys.Expand(_protector.Unprotect(reader.GetFieldValue<byte[]>(1))));
    }

    /// <summary>The collection as last synced, or an empty one at version 0.</summary>
    public async Task<AppStateCollectionState> LoadStateAsync(string instanceName, string collection, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT version, lt_hash, value_macs FROM app_state_collections WHERE instance_name = $1 AND name = $2");
        command.Parameters.Add(PostgresChatStore.Text(instanceName));
        command.Parameters.Add(PostgresChatStore.Text(collection));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return AppStateCollectionState.Empty(collection);
        return AppStateCollectionState.Restore(collection, (ulong)reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2));
    }

    /// <summary>The version reached per collection (collections never synced are absent).</summary>
    public async Task<IReadOnlyDictionary<string, long>> VersionsAsync(string instanceName, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT name, version FROM app_state_collections WHERE instance_name = $1");
        command.Parameters.Add(PostgresChatStore.Text(instanceName));
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            versions[reader.GetString(0)] = reader.GetInt64(1);
        return versions;
    }

    /// <summary>
    /// Writes the collection's new state in the caller's transaction, only if it is still at
    /// <paramref name="previousVersion"/> (two syncs of one collection never both apply); false when it moved.
    /// </summary>
    internal static async Task<bool> SaveStateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string instanceName, ulong previousVersion, AppStateCollectionState state, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO app_state_collections AS c (instance_name, name, version, lt_hash, value_macs, updated_at)
            VALUES ($1, $2, $3, $4, $5, now())
            ON CONFLICT (instance_name, name) DO UPDATE SET
                version = excluded.version, lt_hash = excluded.lt_hash, value_macs = excluded.value_macs, updated_at = excluded.updated_at
            WHERE c.version = $6
            """, connection, transaction);
        command.Parameters.Add(PostgresChatStore.Text(instanceName));
        command.Parameters.Add(PostgresChatStore.Text(state.Name));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)state.Version) });
        command.Parameters.Add(Bytes(state.Hash));
        command.Parameters.Add(Bytes(state.SerializeValueMacs()));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)previousVersion) });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static NpgsqlParameter Bytes(byte[] value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Bytea };
}

/// <summary>One shared app-state sync key: its id, its 32-byte data, and the phone's timestamp (ms).</summary>
public sealed record AppStateSyncKeyRecord(byte[] KeyId, byte[] KeyData, long Timestamp);
