using CodeChat.Secrets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Silo.Database;

/// <summary>
/// Schema version 33, in C#: encrypts in place the webhook signing secrets that versions before
/// deploy/sql/0032 stored in clear, and empties the plaintext columns. Runs once
/// (<see cref="CodeMigrations"/>); it only touches rows still in the old form.
/// </summary>
public sealed partial class ProtectWebhookSecretsMigration(
    NpgsqlDataSource dataSource, IDataProtectionProvider protection, ILogger<ProtectWebhookSecretsMigration> logger)
{
    public const int Version = 33;
    public const string Name = "protect_webhook_secrets";

    /// <summary>Applies the migration unless <c>schema_version</c> says it was; returns whether this call applied it.</summary>
    public async Task<bool> ApplyAsync(CancellationToken cancellationToken)
    {
        var endpoints = 0;
        var applied = await CodeMigrations.ApplyOnceAsync(dataSource, Version, Name,
            async (connection, transaction, token) => endpoints = await ProtectAllAsync(connection, transaction, token), cancellationToken);
        if (applied)
            LogApplied(endpoints);
        return applied;
    }

    /// <summary>The conversion itself, idempotent: only rows that still hold a plaintext secret change.</summary>
    public async Task<int> ProtectAllAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var protector = protection.CreateProtector(SecretPurposes.WebhookSigningSecret);
        var rows = new List<(string InstanceName, string Secret, string? PreviousSecret)>();
        await using (var select = new NpgsqlCommand(
            "SELECT instance_name, secret, previous_secret FROM webhook_endpoints WHERE secret IS NOT NULL FOR UPDATE", connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        foreach (var (instanceName, secret, previousSecret) in rows)
        {
            await using var update = new NpgsqlCommand(
                """
                UPDATE webhook_endpoints SET secret_protected = $2, previous_secret_protected = $3, secret = NULL, previous_secret = NULL
                WHERE instance_name = $1
                """, connection, transaction);
            update.Parameters.Add(new NpgsqlParameter { Value = instanceName });
            update.Parameters.Add(new NpgsqlParameter { Value = protector.Protect(secret) });
            update.Parameters.Add(new NpgsqlParameter
            {
                Value = previousSecret is null ? DBNull.Value : protector.Protect(previousSecret),
                NpgsqlDbType = NpgsqlDbType.Text,
            });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        return rows.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook signing secrets encrypted at rest: {Endpoints} endpoints")]
    private partial void LogApplied(int endpoints);
}
