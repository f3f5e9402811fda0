using Npgsql;
using Orleans.Storage;

namespace CodeChat.Hosting.Tests;

/// <summary>
/// The Orleans ADO.NET providers running on our migrations: if a statement breaks the providers'
/// contract (parameters, result columns, version rules), one of these fails.
/// </summary>
public sealed class ClusterTests(TwoSiloClusterFixture fixture) : IClassFixture<TwoSiloClusterFixture>
{
    private TwoSiloCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Both_silos_are_active_members_in_the_membership_table()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @cluster AND Status = 3", connection);
        command.Parameters.AddWithValue("cluster", Cluster.ClusterId);
        Assert.Equal(2L, await command.ExecuteScalarAsync(ct));
    }

    [Fact]
    public async Task A_grain_activated_through_one_silo_is_the_same_activation_through_the_other()
    {
        var key = Guid.NewGuid().ToString("N");
        var throughFirst = await Cluster.GrainsOf(0).GetGrain<IIdentityGrain>(key).WhoAmI();
        var throughSecond = await Cluster.GrainsOf(1).GetGrain<IIdentityGrain>(key).WhoAmI();
        Assert.Equal(throughFirst, throughSecond);
    }

    [Fact]
    public async Task State_survives_reactivation_and_a_stale_etag_write_is_rejected()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = Guid.NewGuid().ToString("N");
        var grain = Cluster.GrainsOf(0).GetGrain<INoteGrain>(key);
        await grain.Write("first");
        await grain.Write("second");
        Assert.Equal(2, await StoredVersionAsync(ct));

        // Another writer (a stale twin activation, in production) moves the stored version on.
        await using (var connection = await OpenAsync(ct))
        await using (var bump = new NpgsqlCommand("UPDATE OrleansStorage SET Version = Version + 1 WHERE ServiceId = @service", connection))
        {
            bump.Parameters.AddWithValue("service", Cluster.ClusterId);
            await bump.ExecuteNonQueryAsync(ct);
        }

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Write("lost"));
        Assert.Equal(3, await StoredVersionAsync(ct));

        // Orleans deactivates a grain after an inconsistent write; the next activation reads the stored state.
        Assert.Equal("second", await Cluster.GrainsOf(1).GetGrain<INoteGrain>(key).Read());
    }

    [Fact]
    public async Task A_reminder_is_stored_and_fires()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = Guid.NewGuid().ToString("N");
        await Cluster.GrainsOf(0).GetGrain<IAlarmGrain>(key).Arm(TimeSpan.FromSeconds(2));

        var fired = await Cluster.Probe.Fired(key).WaitAsync(TimeSpan.FromSeconds(90), ct);
        Assert.Equal(AlarmGrain.ReminderName, fired);

        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM OrleansRemindersTable WHERE ServiceId = @service AND ReminderName = @name", connection);
        command.Parameters.AddWithValue("service", Cluster.ClusterId);
        command.Parameters.AddWithValue("name", AlarmGrain.ReminderName);
        Assert.Equal(1L, await command.ExecuteScalarAsync(ct));
    }

    private async Task<int> StoredVersionAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT Version FROM OrleansStorage WHERE ServiceId = @service", connection);
        command.Parameters.AddWithValue("service", Cluster.ClusterId);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(Cluster.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}
