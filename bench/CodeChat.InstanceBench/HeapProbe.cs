using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CodeChat.InstanceBench;

/// <summary>
/// Live managed heap of a .NET process after a full GC: dotnet-gcdump collect (which induces a
/// gen2 GC and walks the heap over EventPipe, no endpoint in the product) and the sum of its report.
/// The dump stays in the work folder for <c>dotnet-gcdump report</c> or PerfView.
/// </summary>
internal static partial class HeapProbe
{
    public static string? ToolPath()
    {
        var home = Environment.GetEnvironmentVariable("HOME") ?? "/root";
        var candidates = new[] { Path.Combine(home, ".dotnet", "tools", "dotnet-gcdump") }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(p => Path.Combine(p, "dotnet-gcdump")));
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <returns>The bytes of live objects, or null when the tool is missing or failed; the report by type is written next to the dump.</returns>
    public static async Task<long?> CollectAsync(int pid, string dumpFile, CancellationToken cancellationToken)
    {
        if (ToolPath() is not { } tool)
            return null;
        var (collectExit, _) = await RunAsync(tool, ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", dumpFile], cancellationToken);
        if (collectExit != 0 || !File.Exists(dumpFile))
            return null;
        var (reportExit, report) = await RunAsync(tool, ["report", dumpFile], cancellationToken);
        if (reportExit != 0)
            return null;
        // The report opens with "<bytes>  GC Heap bytes": every object the dump reached (the rows below
        // it are per type, with sizes that dotnet-gcdump approximates for large arrays).
        await File.WriteAllTextAsync(Path.ChangeExtension(dumpFile, ".report.txt"), report, cancellationToken);
        var header = HeapBytesLine().Match(report);
        return header.Success
            ? long.Parse(header.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture)
            : null;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string tool, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        _ = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output);
    }

    [GeneratedRegex(@"^\s*([\d,]+)\s+GC Heap bytes", RegexOptions.Multiline)]
    private static partial Regex HeapBytesLine();
}
