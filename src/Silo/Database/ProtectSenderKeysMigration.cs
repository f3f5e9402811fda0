using CodeChat.Secrets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CodeChat.Silo.Database;

/// <summary>
/// Schema version 25, in C#: encrypts in place the Signal sender-key records that versions before it
/// stored in clear in <c>signal_sender_keys.record</c> (they hold the group chain keys and our
/// signing private key). Runs once per database (<see cref="CodeMigrations"/>) before any grain reads
/// them; the column keeps its name and type and from then on holds only Data Protection ciphertext.
/// </summary>
public sealed partial class ProtectSenderKeysMigration(
    NpgsqlDataSource dataSource, IDataProtectionProvider protection, ILogger<ProtectSenderKeysMigration> logger)
{
    public const int Version = 25;
    public const string Name = "protect_signal_sender_keys";

    // Every Data Protection payload starts with this magic header (ASP.NET Core's key-ring protector,
    // format version 0); a serialized SenderKeyRecord starts with a protobuf field tag (0x0A) instead.
    private const string ProtectedPayloadHeader = @"'\x09f0c9f0'::bytea";

    /// <summary>Applies the migration unless <c>schema_version</c> says it was; returns whether this call applied it.</summary>
    public async Task<bool> ApplyAsync(CancellationToken cancellationToken)
    {
        var converted = 0;
        var applied = await CodeMigrations.ApplyOnceAsync(dataSource, Version, Name,
            async (connection, transaction, token) => converted = await ProtectAllAsync(connection, transaction, token), cancellationToken);
        if (applied)
            LogApplied(converted);
        return applied;
    }

    /// <summary>The conversion itself, idempotent: only records that are not yet ciphertext are changed.</summary>
    public Task<int> ProtectAllAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        CodeMigrations.ProtectRowsAsync(connection, transaction,
            $"""
            SELECT instance_name, group_jid, address_name, device_id, record FROM signal_sender_keys
            WHERE substring(record FROM 1 FOR 4) <> {ProtectedPayloadHeader} FOR UPDATE
            """,
            reader => ([reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3)], reader.GetFieldValue<byte[]>(4)),
            "UPDATE signal_sender_keys SET record = $5 WHERE instance_name = $1 AND group_jid = $2 AND address_name = $3 AND device_id = $4",
            protection.CreateProtector(SecretPurposes.SignalSenderKey).Protect, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signal sender keys encrypted at rest: {Records} records")]
    private partial void LogApplied(int records);
}
