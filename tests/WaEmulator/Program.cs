using CodeChat.WaEmulator;
using Microsoft.Extensions.Logging;

// Runs the emulator standalone: dotnet run --project tests/WaEmulator -- --port 5555
var port = 0;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--port" && i + 1 < args.Length && int.TryParse(args[i + 1], out var parsed))
    {
        port = parsed;
        i++;
    }
    else if (args[i] is "--help" or "-h")
    {
        Console.WriteLine("usage: CodeChat.WaEmulator [--port N]   (0 or absent: pick a free port)");
        return 0;
    }
}

await using var server = await WaEmulatorServer.StartAsync(
    new WaEmulatorOptions { Port = port },
    logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
Console.WriteLine($"chat:    {server.WebSocketUrl}");
Console.WriteLine($"control: {server.BaseUrl}_emulator/");
Console.WriteLine($"media:   {server.MediaBaseUrl} (trust {server.MediaCertificateAuthorityFile})");
// What a gateway needs to trust this emulator instead of WhatsApp (WhatsApp__Url, WhatsApp__TrustedRootKey).
Console.WriteLine($"root:    {Convert.ToHexStringLower(server.Emulator.Certificates.RootPublicKey.Span)}");

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // Ctrl+C
}

return 0;
