using Npgsql;

namespace CodeChat.Api.Authentication;

/// <summary>The <c>api_settings</c> table (deploy/sql/0011_api_settings.sql): write-once values, first writer wins.</summary>
public sealed class ApiSettingsStore(NpgsqlDataSource dataSource)
{
    public const string GlobalApiKeySha256 = "global_api_key_sha256";

    /// <summary>The generated signing secret (base64), encrypted with Data Protection.</summary>
    public const string ProtectedInstanceTokenSigningSecret = "instance_token_signing_secret_protected";

    /// <summary>
    /// The same secret in clear, as versions before secrets at rest stored it. Silo start-up moves it to
    /// <see cref="ProtectedInstanceTokenSigningSecret"/> (ProtectStoredSecretsMigration); read only until then.
    /// </summary>
    public const string LegacyInstanceTokenSigningSecret = "instance_token_signing_secret";

    /// <summary>
    /// Stores <paramref name="candidate"/> under <paramref name="key"/> unless a value is already there.
    /// Returns the value now stored and whether it is ours, so of two hosts starting together
    /// only the winner treats its candidate as the real one.
    /// </summary>
    public async Task<(string Value, bool StoredNow)> GetOrAddAsync(string key, string candidate, CancellationToken cancellationToken)
    {
        await using (var insert = dataSource.CreateCommand(
            "INSERT INTO api_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value"))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = key });
            insert.Parameters.Add(new NpgsqlParameter { Value = candidate });
            if (await insert.ExecuteScalarAsync(cancellationToken) is string inserted)
                return (inserted, true);
        }

        await using var select = dataSource.CreateCommand("SELECT value FROM api_settings WHERE key = $1");
        select.Parameters.Add(new NpgsqlParameter { Value = key });
        var stored = await select.ExecuteScalarAsync(cancellationToken) as string
            ?? throw new InvalidOperationException($"Setting '{key}' vanished between insert and read.");
        return (stored, false);
    }

    /// <summary>The stored value, or null when none was stored yet.</summary>
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand("SELECT value FROM api_settings WHERE key = $1");
        select.Parameters.Add(new NpgsqlParameter { Value = key });
        return await select.ExecuteScalarAsync(cancellationToken) as string;
    }
}
