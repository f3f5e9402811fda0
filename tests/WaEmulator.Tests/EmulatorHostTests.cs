using CodeChat.Testing;

namespace CodeChat.WaEmulator.Tests;

public sealed class EmulatorHostTests(BaileysInteropPackages packages)
{
    [Fact]
    public async Task Baileys_driver_reaches_the_emulator_websocket_with_the_web_origin()
    {
        Assert.True(Directory.Exists(packages.InteropDirectory));
        var ct = TestContext.Current.CancellationToken;
        await using var server = await WaEmulatorServer.StartAsync(new WaEmulatorOptions(), cancellationToken: ct);
        await using var peer = await BaileysPeer.StartAsync(new BaileysPeerOptions { Name = "probe", EmulatorUrl = server.WebSocketUrl }, ct);

        await peer.ConnectAsync(ct);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (server.Emulator.Connections.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, ct);
        }

        var connection = Assert.Single(server.Emulator.Connections);
        // Baileys sends WA Web's origin (emulator-notes.md §1)
        Assert.Equal("https://web.whatsapp.com", connection.Origin);

        await peer.DisconnectAsync(ct);
        // a voluntary end carries no error, so no status code
        var closed = await peer.WaitForEventAsync("close", cancellationToken: ct);
        Assert.Null(closed["code"]);
    }
}
