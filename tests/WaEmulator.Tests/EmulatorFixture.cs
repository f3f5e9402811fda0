using CodeChat.WaEmulator.Model;
using CodeChat.Testing;

namespace CodeChat.WaEmulator.Tests;

/// <summary>One emulator plus the Baileys peers a test starts; pairs peers through the QR hand-off.</summary>
internal sealed class EmulatorFixture : IAsyncDisposable
{
    private readonly List<BaileysPeer> _peers = [];

    private EmulatorFixture(WaEmulatorServer server) => Server = server;

    public WaEmulatorServer Server { get; }

    public Emulator Emulator => Server.Emulator;

    public static async Task<EmulatorFixture> StartAsync(CancellationToken cancellationToken, WaEmulatorOptions? options = null) =>
        new(await WaEmulatorServer.StartAsync(options ?? new WaEmulatorOptions(), cancellationToken: cancellationToken));

    public async Task<BaileysPeer> StartPeerAsync(string name, CancellationToken cancellationToken)
    {
        var peer = await BaileysPeer.StartAsync(
            new BaileysPeerOptions
            {
                Name = name,
                EmulatorUrl = Server.WebSocketUrl,
                TrustedRootKey = Emulator.Certificates.RootPublicKey,
                ExtraCaCertificatesFile = Server.MediaCertificateAuthorityFile,
                LogLevel = Environment.GetEnvironmentVariable("BAILEYS_LOG") ?? "silent",
            },
            cancellationToken);
        _peers.Add(peer);
        return peer;
    }

    /// <summary>
    /// Fresh Baileys creds → QR → the account's phone scans → pair-success → 515 → the driver logs in
    /// again → open. Returns the linked device.
    /// </summary>
    public async Task<LinkedDevice> PairAsync(BaileysPeer peer, EmulatedAccount account, CancellationToken cancellationToken)
    {
        await peer.ConnectAsync(cancellationToken);
        var qr = await peer.WaitForQrAsync(cancellationToken);
        var device = await Emulator.ScanQrAsync(qr, account, cancellationToken);
        await peer.WaitForEventAsync("restart", cancellationToken: cancellationToken);
        var me = await peer.WaitForOpenAsync(cancellationToken);
        Assert.Equal(device.PnJid, me["id"]!.GetValue<string>());
        return device;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var peer in _peers)
        {
            await peer.DisposeAsync();
        }

        await Server.DisposeAsync();
    }
}
