namespace CodeChat.InstanceBench;

/// <summary>One side's memory at a moment: the process(es), the live heap after a full GC, and for ours PostgreSQL.</summary>
internal sealed record MemorySample(long RssBytes, long? HeapBytes, int? PostgresProcesses = null, long? PostgresRssBytes = null, long? PostgresPssBytes = null);

/// <summary>Linking from scratch or reconnecting with stored credentials: how long until all were open and the CPU it took.</summary>
internal sealed record ConnectPhase(int Instances, double Seconds, double CpuSeconds, double? PostgresCpuSeconds = null)
{
    public double PerSecond => Instances / Seconds;

    public double CpuMsPerInstance => CpuSeconds * 1000 / Instances;
}

/// <summary>
/// CPU over the idle window (keepalives only), per instance-minute. The no-instance rate of the same
/// process(es) is kept beside it, not taken off: on a shared machine it is noise of the same order.
/// The emulator's logins (any is a reconnect) and keepalive pings answered during the window count
/// both sides when both run; RSS at the window's start and end shows whether memory stays flat.
/// </summary>
internal sealed record IdlePhase(
    double WindowSeconds, double CpuSeconds, double BaseCpuSecondsPerMinute, long LoginsDuringWindow, long KeepalivePingsDuringWindow,
    long RssAtStartBytes, long RssAtEndBytes, double? PostgresCpuSeconds = null)
{
    public double CpuMsPerInstanceMinute(int instances) => CpuSeconds / (WindowSeconds / 60) * 1000 / instances;
}

internal sealed record SideResult
{
    public int Processes { get; init; } = 1;

    public required MemorySample Base { get; init; }

    public MemorySample? Linked { get; set; }

    public MemorySample? Resumed { get; set; }

    public ConnectPhase? Link { get; set; }

    public IdlePhase? Idle { get; set; }

    /// <summary>From the restarted process(es) being spawned until every instance was open again.</summary>
    public ConnectPhase? Reconnect { get; set; }

    /// <summary>Baileys only: clients that lost their connection and connected again during the run (a timeout on a busy machine).</summary>
    public int? ClientReconnects { get; set; }

    /// <summary>Ours only: from /health/ready until every instance was open again.</summary>
    public ConnectPhase? ReconnectAfterReady { get; set; }
}
