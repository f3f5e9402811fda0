using System.Diagnostics;

namespace CodeChat.WaEmulator.Tests;

/// <summary>
/// The standalone emulator stops when asked as a service manager or a bench harness asks: SIGTERM
/// ends the process with exit code 0 (it used to leave it running).
/// </summary>
public sealed class ProcessShutdownTests
{
    // SIGINT is not tested here: a shell starts background jobs with SIGINT ignored, and the test
    // host's children inherit that, so the outcome would depend on how the suite was launched.
    [Fact]
    public async Task The_standalone_emulator_exits_on_SIGTERM()
    {
        var ct = TestContext.Current.CancellationToken;
        var emulatorDll = typeof(WaEmulatorServer).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [emulatorDll, "--port", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        try
        {
            // Ready once it printed the root key, the last line of its banner.
            using var ready = CancellationTokenSource.CreateLinkedTokenSource(ct);
            ready.CancelAfter(TimeSpan.FromSeconds(60));
            string? line;
            do
            {
                line = await process.StandardOutput.ReadLineAsync(ready.Token);
            }
            while (line is not null && !line.StartsWith("root:", StringComparison.Ordinal));
            Assert.NotNull(line);
            _ = process.StandardOutput.ReadToEndAsync(ct);
            _ = process.StandardError.ReadToEndAsync(ct);

            // The kill command, as a service manager would; .NET has no managed way to send a signal.
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(ct);
                Assert.Equal(0, kill.ExitCode);
            }

            using var exit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            exit.CancelAfter(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(exit.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }
}
