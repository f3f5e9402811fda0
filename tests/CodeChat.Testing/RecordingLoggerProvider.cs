using Microsoft.Extensions.Logging;

namespace CodeChat.Testing;

/// <summary>Keeps every formatted log line (with its exception text) so tests can assert what never gets logged.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return [.. _lines];
        }
    }

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        lock (_lines)
            _lines.Add(line);
    }

    private sealed class RecordingLogger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        // Every level, Trace included: a secret must not appear even in the most verbose output.
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Add($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
