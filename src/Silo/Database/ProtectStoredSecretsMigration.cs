using System.Text;
using CodeChat.Api.Authentication;
using CodeChat.Secrets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Silo.Database;

/// <summary>
/// Schema version 24, in C#: encrypts in place the secrets that versions before 0023 stored in
/// clear (device credentials, prekey private halves, the generated token-signing secret) and
/// empties the plaintext. Runs once per database (<see cref="CodeMigrations"/>); it only touches
/// rows still in the old form, so running it again changes nothing.
/// </summary>
public sealed partial class ProtectStoredSecretsMigration(
    NpgsqlDataSource dataSource, IDataProtectionProvider protection, ILogger<ProtectStoredSecretsMigration> logger)
{
    public const int Version = 24;
    public const string Name = "protect_stored_secrets";

    /// <summary>Applies the migration unless <c>schema_version</c> says it was; returns whether this call applied it.</summary>
    public async Task<bool> ApplyAsync(CancellationToken cancellationToken)
    {
        (int Credentials, int PreKeys, int SigningSecrets) counts = default;
        var applied = await CodeMigrations.ApplyOnceAsync(dataSource, Version, Name,
            async (connection, transaction, token) => counts = await ProtectAllAsync(connection, transaction, token), cancellationToken);
        if (applied)
            LogApplied(counts.Credentials, counts.PreKeys, counts.SigningSecrets);
        return applied;
    }

    /// <summary>The conversion itself, idempotent: only rows that still hold plaintext are changed.</summary>
    public async Task<(int Credentials, int PreKeys, int SigningSecrets)> ProtectAllAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var credentialsProtector = protection.CreateProtector(SecretPurposes.DeviceCredentials);
        var credentials = await CodeMigrations.ProtectRowsAsync(connection, transaction,
            "SELECT instance_name, credentials::text FROM device_credentials WHERE credentials IS NOT NULL FOR UPDATE",
            reader => ([reader.GetString(0)], Encoding.UTF8.GetBytes(reader.GetString(1))),
            "UPDATE device_credentials SET credentials_protected = $2, credentials = NULL WHERE instance_name = $1",
            credentialsProtector.Protect, cancellationToken);

        var preKeyProtector = protection.CreateProtector(SecretPurposes.DevicePreKey);
        var preKeys = await CodeMigrations.ProtectRowsAsync(connection, transaction,
            "SELECT instance_name, id, private_key FROM device_prekeys WHERE private_key IS NOT NULL FOR UPDATE",
            reader => ([reader.GetString(0), reader.GetInt32(1)], reader.GetFieldValue<byte[]>(2)),
            "UPDATE device_prekeys SET private_key_protected = $3, private_key = NULL WHERE instance_name = $1 AND id = $2",
            preKeyProtector.Protect, cancellationToken);

        var signingSecrets = await ProtectSigningSecretAsync(connection, transaction, cancellationToken);
        return (credentials, preKeys, signingSecrets);
    }

    private async Task<int> ProtectSigningSecretAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        string? legacy;
        await using (var select = new NpgsqlCommand("SELECT value FROM api_settings WHERE key = $1 FOR UPDATE", connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = ApiSettingsStore.LegacyInstanceTokenSigningSecret });
            legacy = await select.ExecuteScalarAsync(cancellationToken) as string;
        }

        if (legacy is null)
            return 0;

        // Keeps a protected value that already exists (it is the one in use); tokens signed with the
        // legacy one would then be invalid anyway, so the legacy value carries over only when alone.
        var protectedValue = protection.CreateProtector(SecretPurposes.InstanceTokenSigningSecret).Protect(legacy);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO api_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = ApiSettingsStore.ProtectedInstanceTokenSigningSecret });
            insert.Parameters.Add(new NpgsqlParameter { Value = protectedValue });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var delete = new NpgsqlCommand("DELETE FROM api_settings WHERE key = $1", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = ApiSettingsStore.LegacyInstanceTokenSigningSecret });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        return 1;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Stored secrets encrypted at rest: {Credentials} device credentials, {PreKeys} prekeys, {SigningSecrets} token-signing secret")]
    private partial void LogApplied(int credentials, int preKeys, int signingSecrets);
}
