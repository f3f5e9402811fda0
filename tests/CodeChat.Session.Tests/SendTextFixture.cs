using CodeChat.Testing;
using CodeChat.WaEmulator;
using CodeChat.WaEmulator.Model;

namespace CodeChat.Session.Tests;

/// <summary>
/// One emulator, one open instance and two Baileys 7 peers (Bob and Carol) with a group of the three,
/// shared by the send tests of a class (pairing four clients per test would dominate the run).
/// </summary>
public sealed class SendTextFixture(PostgresServerFixture postgres, BaileysInteropPackages packages) : IAsyncLifetime
{
    private WaEmulatorServer? _emulator;

    public SendingInstance Instance { get; private set; } = null!;

    public BaileysPeer Bob { get; private set; } = null!;

    public EmulatedAccount BobAccount { get; private set; } = null!;

    public BaileysPeer Carol { get; private set; } = null!;

    public EmulatedAccount CarolAccount { get; private set; } = null!;

    public string GroupJid { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.NotNull(packages);
        _emulator = await WaEmulatorServer.StartAsync(new WaEmulatorOptions());
        Instance = await SendingInstance.StartAsync(postgres, _emulator);
        (Bob, BobAccount) = await Instance.AddPeerAsync("Bob");
        (Carol, CarolAccount) = await Instance.AddPeerAsync("Carol");
        var created = await Bob.CommandAsync("groupCreate",
            new { subject = "Send tests", participants = new[] { Instance.Account.PnJid, CarolAccount.PnJid } },
            cancellationToken: TestContext.Current.CancellationToken);
        GroupJid = created["gid"]!.GetValue<string>();
    }

    public async ValueTask DisposeAsync()
    {
        if (Instance is not null)
            await Instance.DisposeAsync();
        if (_emulator is not null)
            await _emulator.DisposeAsync();
    }
}
