using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project bench/CodeChat.Bench -- --filter '*Binary*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
