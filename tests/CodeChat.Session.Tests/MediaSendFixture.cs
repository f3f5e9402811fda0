using CodeChat.Testing;
using CodeChat.WaEmulator;
using CodeChat.WaEmulator.Model;

namespace CodeChat.Session.Tests;

/// <summary>
/// An open instance that may fetch media from a loopback file server on 127.0.0.1 (and only there:
/// the allow-list is that one address), with Baileys 7 as Bob, the receiver. Images are capped at
/// 3 MB so a test can go over the limit cheaply; progress events start at once.
/// </summary>
public sealed class MediaSendFixture(PostgresServerFixture postgres, BaileysInteropPackages packages) : IAsyncLifetime
{
    public const long ImageLimit = 3L * 1024 * 1024;

    private WaEmulatorServer? _emulator;

    public SendingInstance Instance { get; private set; } = null!;

    public BaileysPeer Bob { get; private set; } = null!;

    public EmulatedAccount BobAccount { get; private set; } = null!;

    /// <summary>On 127.0.0.1, the allowed address.</summary>
    public MediaFileServer Files { get; private set; } = null!;

    /// <summary>On 127.0.0.2: loopback too, but not on the allow-list.</summary>
    public MediaFileServer Internal { get; private set; } = null!;

    public WaEmulatorServer Emulator => _emulator!;

    public async ValueTask InitializeAsync()
    {
        Assert.NotNull(packages);
        Files = await MediaFileServer.StartAsync("127.0.0.1");
        Internal = await MediaFileServer.StartAsync("127.0.0.2");
        _emulator = await WaEmulatorServer.StartAsync(new WaEmulatorOptions());
        Instance = await SendingInstance.StartAsync(postgres, _emulator, new Dictionary<string, string?>
        {
            ["Media:AllowedNetworks:0"] = "127.0.0.1/32",
            ["Media:ImageMaxBytes"] = ImageLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Media:ProgressEventsAfter"] = "00:00:00",
        });
        (Bob, BobAccount) = await Instance.AddPeerAsync("Bob");
    }

    public async ValueTask DisposeAsync()
    {
        if (Instance is not null)
            await Instance.DisposeAsync();
        if (_emulator is not null)
            await _emulator.DisposeAsync();
        if (Files is not null)
            await Files.DisposeAsync();
        if (Internal is not null)
            await Internal.DisposeAsync();
    }
}
