using System.Globalization;

namespace CodeChat.Bench.SignalRatio;

/// <summary>
/// <c>dotnet run -c Release --project bench/CodeChat.Bench -- signal-ratio [--cpu-seconds S]
/// [--warmup W] [--bytes B]</c>: our Signal encrypt+decrypt throughput per CPU second next to
/// Baileys 7's (tests/interop/signal-bench.mjs), scenario by scenario, as a ratio.
/// </summary>
internal static class SignalRatioRun
{
    public const string Command = "signal-ratio";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var cpuSeconds = Option(args, "--cpu-seconds", 3.0);
        var warmup = (int)Option(args, "--warmup", 300);
        var bytes = (int)Option(args, "--bytes", 100);

        var scenarios = new List<ISignalRoundTrip>
        {
            await SessionRoundTrip.CreateAsync(pingPong: false, cancellationToken),
            await SessionRoundTrip.CreateAsync(pingPong: true, cancellationToken),
            await GroupRoundTrip.CreateAsync(cancellationToken),
        };

        Console.WriteLine($"Signal encrypt+decrypt per process CPU second ({bytes}-byte plaintext, {warmup} warm-up messages, {cpuSeconds} CPU-s measured per side, {Environment.ProcessorCount} cores)");
        Console.WriteLine($"{"scenario",-20} {"CodeChat.NET",14} {"Baileys 7",14} {"ratio",9}");
        foreach (var scenario in scenarios)
        {
            var ours = await CpuBudgetMeter.MeasureAsync(scenario, bytes, warmup, cpuSeconds, cancellationToken);
            var theirs = await BaileysBenchProcess.MeasureAsync(scenario.Mode, bytes, warmup, cpuSeconds, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{scenario.Mode,-20} {ours.MessagesPerCpuSecond,14:F0} {theirs.MessagesPerCpuSecond,14:F0} {ours.MessagesPerCpuSecond / theirs.MessagesPerCpuSecond,8:F1}x"));
        }
        return 0;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length
            ? double.Parse(args[index + 1], CultureInfo.InvariantCulture)
            : fallback;
    }
}
