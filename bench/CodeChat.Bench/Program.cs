using BenchmarkDotNet.Running;
using CodeChat.Bench.SignalRatio;

// Usage: dotnet run -c Release --project bench/CodeChat.Bench -- --filter '*Binary*' [--job short]
//    or: dotnet run -c Release --project bench/CodeChat.Bench -- signal-ratio [--cpu-seconds 3]
if (args.Length > 0 && args[0] == SignalRatioRun.Command)
{
    return await SignalRatioRun.RunAsync(args, CancellationToken.None);
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
