using System.Runtime.Versioning;
using CodeChat.Silo.Database;
using Npgsql;

namespace CodeChat.Hosting.Tests;

/// <summary>The embedded server's life cycle on one data folder, as a restarted host sees it.</summary>
public sealed class EmbeddedPostgresTests : IDisposable
{
    private readonly string _dataFolder = Directory.CreateTempSubdirectory("codechat-embedded-").FullName;

    [Fact]
    public async Task Starts_stops_and_restarts_on_the_same_folder_keeping_data_port_and_password()
    {
        var ct = TestContext.Current.CancellationToken;
        int firstPort;
        string firstConnectionString;
        await using (var first = NewServer())
        {
            await first.StartAsync(ct);
            firstPort = first.Port;
            firstConnectionString = first.ConnectionString;
            await ExecuteAsync(first.ConnectionString, "CREATE TABLE survives_restart (id int); INSERT INTO survives_restart VALUES (42)", ct);
            await first.StopAsync(ct);
            Assert.False(first.IsRunning);
            await Assert.ThrowsAnyAsync<Exception>(() => ExecuteAsync(firstConnectionString, "SELECT 1", ct));
        }

        await using var second = NewServer();
        await second.StartAsync(ct);
        Assert.Equal(firstPort, second.Port);
        Assert.Equal(firstConnectionString, second.ConnectionString);
        Assert.Equal(42, await ScalarAsync<int>(second.ConnectionString, "SELECT id FROM survives_restart", ct));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Password_file_is_private_to_its_owner_and_never_empty()
    {
        await using var server = NewServer();
        server.Prepare();
        var passwordFile = Path.Combine(_dataFolder, "postgres.password");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passwordFile));
        Assert.True((await File.ReadAllTextAsync(passwordFile, TestContext.Current.CancellationToken)).Trim().Length >= 32);
    }

    [Fact]
    public async Task Starts_despite_a_stale_postmaster_pid_left_by_a_crash()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var first = NewServer())
        {
            await first.StartAsync(ct);
            await first.StopAsync(ct);
        }

        var clusterDirectory = Path.Combine(_dataFolder, "postgres");
        // A pid that cannot belong to a live postgres (pid_max is below this), as after a power cut.
        await File.WriteAllTextAsync(Path.Combine(clusterDirectory, "postmaster.pid"),
            $"99999999\n{clusterDirectory}\n0\n5432\n\n127.0.0.1\n  0  0\nready\n", ct);

        await using var second = NewServer();
        await second.StartAsync(ct);
        Assert.Equal(1, await ScalarAsync<int>(second.ConnectionString, "SELECT 1", ct));
    }

    [Fact]
    public void A_bin_folder_without_server_programs_fails_with_one_actionable_line()
    {
        var empty = Directory.CreateTempSubdirectory("codechat-nobin-").FullName;
        try
        {
            var error = Assert.Throws<EmbeddedPostgresException>(() => PostgresBinaries.Locate(empty));
            Assert.DoesNotContain('\n', error.Message);
            Assert.Contains("ConnectionStrings__CodeChat", error.Message);
            Assert.Contains("postgresql", error.Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private EmbeddedPostgresServer NewServer() =>
        new(new EmbeddedPostgresOptions { DataDirectory = _dataFolder, RelaxDurability = true });

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }
}
