using CodeChat.WaEmulator;

namespace CodeChat.Session.Tests;

/// <summary>One WhatsApp server emulator on loopback for a test class.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public WaEmulatorServer Server { get; private set; } = null!;

    public Emulator Emulator => Server.Emulator;

    public async ValueTask InitializeAsync() => Server = await WaEmulatorServer.StartAsync(new WaEmulatorOptions());

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
