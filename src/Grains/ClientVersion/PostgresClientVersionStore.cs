using CodeChat.Grains.Abstractions.ClientVersion;
using CodeChat.WhatsApp.Client;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.ClientVersion;

/// <summary>
/// The <c>whatsapp_client_version</c> row (deploy/sql/0080_whatsapp_client_version.sql): the cluster's version.
/// Reads are shared for <see cref="ReadFreshFor"/>: every connection attempt asks for the version, and a
/// reconnect storm after a restart asked PostgreSQL once per instance (1,000 reads for 1,000 instances).
/// A write on this silo is seen at once; one on another silo within that time (a 405 asks the version
/// grain for the replacement anyway).
/// </summary>
public sealed class PostgresClientVersionStore(NpgsqlDataSource dataSource)
{
    public const string ByAdmin = "admin";
    public const string ByRefresher = "refresher";

    public static readonly TimeSpan ReadFreshFor = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private Task<StoredWhatsAppVersion?>? _recentRead;
    private long _recentReadAt;

    /// <summary>The stored version, or null when none was stored (or the row holds no valid version).</summary>
    public Task<StoredWhatsAppVersion?> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var fresh = _recentRead is { IsFaulted: false, IsCanceled: false }
                && Environment.TickCount64 - _recentReadAt < ReadFreshFor.TotalMilliseconds;
            if (!fresh)
            {
                // Shared by every caller in the window, so no one caller's token may cancel it.
                _recentRead = ReadAsync(CancellationToken.None);
                _recentReadAt = Environment.TickCount64;
            }
            return _recentRead!.WaitAsync(cancellationToken);
        }
    }

    private async Task<StoredWhatsAppVersion?> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT version, updated_by, updated_at FROM whatsapp_client_version WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        var text = reader.GetString(0);
        // A hand-edited row that is not a version must not stop every instance from connecting.
        if (!WhatsAppWebVersion.TryParse(text, out var version))
            return null;
        return new StoredWhatsAppVersion(version.ToString(), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
    }

    public async Task<StoredWhatsAppVersion> SetAsync(WhatsAppWebVersion version, string updatedBy, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO whatsapp_client_version (id, version, updated_by, updated_at) VALUES (1, $1, $2, now())
            ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
            RETURNING updated_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = version.ToString(), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = updatedBy, NpgsqlDbType = NpgsqlDbType.Text });
        var updatedAt = (DateTime)(await command.ExecuteScalarAsync(cancellationToken))!;
        var stored = new StoredWhatsAppVersion(version.ToString(), updatedBy, new DateTimeOffset(updatedAt, TimeSpan.Zero));
        lock (_gate)
        {
            _recentRead = Task.FromResult<StoredWhatsAppVersion?>(stored);
            _recentReadAt = Environment.TickCount64;
        }
        return stored;
    }
}
