using System.Diagnostics;
using Xunit;

namespace CodeChat.Testing;

/// <summary>
/// Assembly fixture: makes sure tests/interop/node_modules matches package-lock.json before any
/// Baileys peer starts. A fresh CI clone has no node_modules, so the first run does `npm ci`.
/// </summary>
public sealed class BaileysInteropPackages : IAsyncLifetime
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(8);

    public string InteropDirectory { get; } = BaileysInteropPaths.InteropDirectory();

    public async ValueTask InitializeAsync()
    {
        if (File.Exists(Path.Combine(InteropDirectory, "node_modules", "baileys", "package.json")))
        {
            return;
        }

        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = InteropDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start npm");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(InstallTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"npm ci in {InteropDirectory} did not finish within {InstallTimeout}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"npm ci in {InteropDirectory} failed with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
