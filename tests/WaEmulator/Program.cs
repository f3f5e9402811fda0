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

// Console.CancelKeyPress alone missed SIGTERM: the host's console lifetime swallows it and only
// stops the application, so the process stayed up (a bench harness could not stop it).
try
{
    await Task.Delay(Timeout.Infinite, server.ShutdownRequested);
}
catch (OperationCanceledException)
{
    // SIGINT / SIGTERM / SIGQUIT
}

return 0;
