using CodeChat.Testing;
using Npgsql;

namespace CodeChat.Session.Tests;

/// <summary>
/// Messages through the real silo: Baileys 7 → emulator → the instance's WaClient → the instance
/// grain's durable hook → receipt back to Baileys, with the Signal sessions in PostgreSQL.
/// </summary>
public sealed class InstanceMessagingTests(PostgresServerFixture postgres, EmulatorFixture emulator, BaileysInteropPackages packages) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_to_the_instance_is_confirmed_through_the_grain_and_its_session_is_kept_in_PostgreSQL()
    {
        Assert.NotNull(packages);
        var database = await postgres.CreateDatabaseAsync(Ct);
        await using var host = new SessionHost(database, emulator.Server);
        var name = "inst-" + Guid.NewGuid().ToString("N")[..10];
        await host.CreateInstanceAsync(name);
        var (status, qr) = await host.ConnectForQrAsync(name);
        Assert.Equal(200, status);
        var account = emulator.Emulator.CreateAccount();
        await emulator.Emulator.ScanQrAsync(qr.GetProperty("code").GetString()!, account, Ct);
        Assert.Equal(200, await host.WaitForStateAsync(name, "open"));

        var other = emulator.Emulator.CreateAccount(pushName: "Peer");
        await using var peer = await BaileysPeer.StartAsync(
            new BaileysPeerOptions
            {
                Name = "peer",
                EmulatorUrl = emulator.Server.WebSocketUrl,
                TrustedRootKey = emulator.Emulator.Certificates.RootPublicKey,
                LogLevel = Environment.GetEnvironmentVariable("BAILEYS_LOG") ?? "silent",
            },
            Ct);
        await peer.ConnectAsync(Ct);
        await emulator.Emulator.ScanQrAsync(await peer.WaitForQrAsync(Ct), other, Ct);
        await peer.WaitForEventAsync("restart", cancellationToken: Ct);
        await peer.WaitForOpenAsync(Ct);

        var id = await peer.SendTextAsync(account.PnJid, "to the gateway", Ct);

        // The receipt leaves only after the grain accepted the message.
        await peer.WaitForEventAsync("receipt", e => e["id"]!.GetValue<string>() == id, cancellationToken: Ct);
        // The session with the peer is stored for the instance, under the peer's LID (pitfall P4), encrypted.
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var command = dataSource.CreateCommand(
            "SELECT record FROM signal_sessions WHERE instance_name = $1 AND address_name = $2 AND device_id = $3");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = other.LidUser + "_1" });
        command.Parameters.Add(new NpgsqlParameter { Value = other.Devices[0].DeviceId });
        var record = Assert.IsType<byte[]>(await command.ExecuteScalarAsync(Ct));
        Assert.NotEmpty(record);
    }
}
