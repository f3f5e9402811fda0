using BenchmarkDotNet.Configs;

namespace CodeChat.Bench;

/// <summary>Adds the MB/s column to benchmarks whose case size is a <c>FrameBytes</c> parameter.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig() => AddColumn(new MegabytesPerSecondColumn("FrameBytes"));
}
