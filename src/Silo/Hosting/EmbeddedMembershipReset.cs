using CodeChat.Silo.Database;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace CodeChat.Silo.Hosting;

/// <summary>
/// With the embedded database there is exactly one silo, so any member of this cluster still listed
/// as alive when the silo starts is this process's own earlier life (killed, power cut). Orleans
/// would wait for that entry to be voted dead before answering (about 108 s when the silo port is 0,
/// measured); marking it dead first makes the restart as fast as a clean one. Never in cluster mode:
/// there another listed silo may well be alive.
/// </summary>
public sealed partial class EmbeddedMembershipReset(
    CodeChatDatabase database,
    IOptions<ClusterOptions> cluster,
    ILogger<EmbeddedMembershipReset> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Orleans' <c>SiloStatus.Dead</c>, as the clustering provider stores it.</summary>
    private const int DeadStatus = (int)SiloStatus.Dead;

    public void Participate(ISiloLifecycle lifecycle) =>
        // After the listeners bind (a second process on the same ports fails before touching the
        // table) and before the membership table is read and this silo joins.
        lifecycle.Subscribe(nameof(EmbeddedMembershipReset), ServiceLifecycleStage.RuntimeInitialize, async cancellationToken =>
        {
            if (database.Mode == DatabaseMode.Embedded)
            {
                await MarkEarlierMembersDeadAsync(cancellationToken).ConfigureAwait(false);
            }
        });

    /// <summary>Marks every member of this cluster that is not dead as dead; returns how many.</summary>
    /// <exception cref="InvalidOperationException">The database is not embedded.</exception>
    public async Task<int> MarkEarlierMembersDeadAsync(CancellationToken cancellationToken)
    {
        if (database.Mode != DatabaseMode.Embedded)
        {
            throw new InvalidOperationException("Membership rows are only reset on an embedded (single-silo) database.");
        }

        var clusterId = cluster.Value.ClusterId;
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Bumping the version tells any reader of the table that the membership changed.
        await using var command = new NpgsqlCommand(
            """
            WITH marked AS (
                UPDATE OrleansMembershipTable SET Status = @dead
                WHERE DeploymentId = @cluster AND Status <> @dead
                RETURNING 1)
            UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now()
            WHERE DeploymentId = @cluster AND EXISTS (SELECT 1 FROM marked)
            RETURNING (SELECT count(*) FROM marked)
            """, connection, transaction);
        command.Parameters.AddWithValue("dead", DeadStatus);
        command.Parameters.AddWithValue("cluster", clusterId);
        var marked = (int)((long?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (marked > 0)
        {
            LogEarlierMembersMarkedDead(logger, marked, clusterId);
        }

        return marked;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Marked {Count} earlier member(s) of cluster {ClusterId} dead: with the embedded database this silo is the only one")]
    private static partial void LogEarlierMembersMarkedDead(ILogger logger, int count, string clusterId);
}
