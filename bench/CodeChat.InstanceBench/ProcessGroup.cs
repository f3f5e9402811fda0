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
}
