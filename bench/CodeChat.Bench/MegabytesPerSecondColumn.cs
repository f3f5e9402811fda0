using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace CodeChat.Bench;

/// <summary>
/// Throughput in MB/s (10^6 bytes per second) from the mean time of one operation and the bytes
/// it handles, taken from the benchmark parameter named <paramref name="bytesParameter"/>.
/// </summary>
public sealed class MegabytesPerSecondColumn(string bytesParameter) : IColumn
{
    public string Id => nameof(MegabytesPerSecondColumn) + "." + bytesParameter;

    public string ColumnName => "MB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"Megabytes (10^6) of {bytesParameter} handled per second at the mean time per operation";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNanoseconds is not > 0 || benchmarkCase.Parameters[bytesParameter] is not int bytes)
            return "NA";
        var megabytesPerSecond = bytes / meanNanoseconds.Value * 1e9 / 1e6;
        return megabytesPerSecond.ToString("N0", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public override string ToString() => ColumnName;
}
