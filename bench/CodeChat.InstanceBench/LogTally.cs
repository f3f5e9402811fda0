using System.Collections.Concurrent;

namespace CodeChat.InstanceBench;

/// <summary>Counts the gateway's warning, error and critical log lines by their text (console "simple" single-line format).</summary>
internal sealed class LogTally
{
    private readonly ConcurrentDictionary<string, int> _lines = new(StringComparer.Ordinal);

    public void Add(string line)
    {
        if (line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
        {
            // instance names and ids differ per line; the category and event id say what it was
            var key = line.Length > 160 ? line[..160] : line;
            var bracket = line.IndexOf(']', StringComparison.Ordinal);
            if (bracket > 0)
                key = line[..(bracket + 1)];
            _lines.AddOrUpdate(key, 1, (_, count) => count + 1);
        }
    }

    public int Total => _lines.Values.Sum();

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(_lines, StringComparer.Ordinal);
}
