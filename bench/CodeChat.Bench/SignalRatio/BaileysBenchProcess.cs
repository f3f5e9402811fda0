using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CodeChat.Testing;

namespace CodeChat.Bench.SignalRatio;

/// <summary>Runs tests/interop/signal-bench.mjs (Baileys 7's Signal code) for one scenario.</summary>
internal static class BaileysBenchProcess
{
    public static async Task<ThroughputResult> MeasureAsync(string mode, int plaintextBytes, int warmupMessages, double cpuBudgetSeconds, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(BaileysInteropPaths.NodeExecutable())
        {
            WorkingDirectory = BaileysInteropPaths.InteropDirectory(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "signal-bench.mjs",
            "--mode", mode,
            "--bytes", plaintextBytes.ToString(CultureInfo.InvariantCulture),
            "--warmup", warmupMessages.ToString(CultureInfo.InvariantCulture),
            "--cpu-seconds", cpuBudgetSeconds.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"signal-bench.mjs --mode {mode} exited with {process.ExitCode}:\n{await stderr}");
        }

        using var result = JsonDocument.Parse((await stdout).Trim());
        var root = result.RootElement;
        return new ThroughputResult(mode, root.GetProperty("messages").GetInt32(), root.GetProperty("cpuSeconds").GetDouble());
    }
}
