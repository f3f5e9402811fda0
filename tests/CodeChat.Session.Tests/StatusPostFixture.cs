using CodeChat.Testing;
using CodeChat.WaEmulator;
using CodeChat.WaEmulator.Model;

namespace CodeChat.Session.Tests;

/// <summary>
/// One emulator, one open instance and three Baileys 7 peers (Bob, Carol, Dave), shared by the status
/// post tests: Bob and Carol are in the posts' audience, Dave never is. None of them writes to the
/// instance unless a test makes it, so the instance starts without stored contacts.
/// </summary>
public sealed class StatusPostFixture(PostgresServerFixture postgres, BaileysInteropPackages packages) : IAsyncLifetime
{
    private WaEmulatorServer? _emulator;

    public SendingInstance Instance { get; private set; } = null!;

    public BaileysPeer Bob { get; private set; } = null!;

    public EmulatedAccount BobAccount { get; private set; } = null!;

    public BaileysPeer Carol { get; private set; } = null!;

    public EmulatedAccount CarolAccount { get; private set; } = null!;

    public BaileysPeer Dave { get; private set; } = null!;

    public EmulatedAccount DaveAccount { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.NotNull(packages);
        _emulator = await WaEmulatorServer.StartAsync(new WaEmulatorOptions());
        Instance = await SendingInstance.StartAsync(postgres, _emulator);
        (Bob, BobAccount) = await Instance.AddPeerAsync("Bob");
        (Carol, CarolAccount) = await Instance.AddPeerAsync("Carol");
        (Dave, DaveAccount) = await Instance.AddPeerAsync("Dave");
    }

    public async ValueTask DisposeAsync()
    {
        if (Instance is not null)
            await Instance.DisposeAsync();
        if (_emulator is not null)
            await _emulator.DisposeAsync();
    }
}
