namespace CodeChat.InstanceBench;

/// <summary>Memory and CPU of a set of processes, summed (Baileys' Node processes, PostgreSQL's backends).</summary>
internal readonly record struct ProcessGroup(int Count, long RssBytes, long PssBytes, TimeSpan Cpu)
{
    public static ProcessGroup Of(IEnumerable<int> pids)
    {
        var list = pids.ToList();
        return new ProcessGroup(
            list.Count,
            list.Sum(ProcessProbe.RssBytes),
            list.Sum(ProcessProbe.PssBytes),
            TimeSpan.FromTicks(list.Sum(pid => ProcessProbe.Cpu(pid).Ticks)));
    }

    /// <summary>
    /// CPU used since <paramref name="before"/> (pid → CPU then) by the processes alive now: a process
    /// that ended in between (an idle PostgreSQL backend closed by its pool) drops out instead of
    /// making the difference negative; one that started counts whole.
    /// </summary>
    public static TimeSpan CpuSince(IReadOnlyDictionary<int, TimeSpan> before, IEnumerable<int> now) =>
        TimeSpan.FromTicks(now.Sum(pid => (ProcessProbe.Cpu(pid) - before.GetValueOrDefault(pid)).Ticks));

    public static IReadOnlyDictionary<int, TimeSpan> CpuByProcess(IEnumerable<int> pids) =>
        pids.Distinct().ToDictionary(pid => pid, ProcessProbe.Cpu);
}
