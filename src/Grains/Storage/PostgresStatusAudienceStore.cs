using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// The audience of each status post still being sent (deploy/sql/0180_status_post_audiences.sql): the
/// user JIDs, written with the post's PENDING row, read by a resend after a restart, deleted once the
/// post is acked or failed.
/// </summary>
public sealed class PostgresStatusAudienceStore(NpgsqlDataSource dataSource)
{
    /// <summary>Stores <paramref name="audience"/> for the message <paramref name="messageId"/> in the caller's transaction.</summary>
    public static async Task AddAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long messageId, IReadOnlyList<string> audience, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audience);
        if (audience.Count == 0)
            throw new ArgumentException("A status post's audience cannot be empty.", nameof(audience));
        await using var insert = new NpgsqlCommand(
            "INSERT INTO status_post_audiences (message_id, audience) VALUES ($1, $2)", connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = messageId });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. audience], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The stored audience of the message <paramref name="messageId"/>, or null when none is stored.</summary>
    public async Task<IReadOnlyList<string>?> FindAsync(long messageId, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand("SELECT audience FROM status_post_audiences WHERE message_id = $1");
        select.Parameters.Add(new NpgsqlParameter<long> { TypedValue = messageId });
        return await select.ExecuteScalarAsync(cancellationToken) is string[] audience ? audience : null;
    }

    /// <summary>Forgets the audience of the message <paramref name="messageId"/> (its post was acked or failed).</summary>
    public async Task DeleteAsync(long messageId, CancellationToken cancellationToken)
    {
        await using var delete = dataSource.CreateCommand("DELETE FROM status_post_audiences WHERE message_id = $1");
        delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = messageId });
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }
}
