using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// Every linking ends with stream error 515, so it is routine: logged at Information. Other
/// stream errors stay warnings (they are what an operator must see).
/// </summary>
public sealed class RestartLoggingTests
{
    [Fact]
    public async Task A_515_restart_is_logged_as_information_and_other_stream_errors_as_warnings()
    {
        var logger = new LevelLogger();
        await using var h = new ClientTestHarness(logger: logger);
        await h.Client.ConnectAsync(TestContext.Current.CancellationToken);
        var first = await h.Connector.NextConnectionAsync();

        first.Send(new Node("stream:error", [new("code", "515")]));
        Assert.Equal(DisconnectReason.RestartRequired, (await h.WaitForEventAsync<DisconnectedEvent>()).Reason);
        var second = await h.Connector.NextConnectionAsync();

        second.Send(new Node("stream:error", [new("code", "503")]));
        await h.WaitForEventAsync<DisconnectedEvent>(e => e.Reason == DisconnectReason.StreamError);

        var streamLines = logger.Lines.Where(l => l.Message.Contains("515", StringComparison.Ordinal) || l.Message.Contains("Stream error", StringComparison.Ordinal)).ToList();
        Assert.Contains(streamLines, l => l.Level == LogLevel.Information && l.Message.Contains("515", StringComparison.Ordinal));
        Assert.DoesNotContain(streamLines, l => l.Level >= LogLevel.Warning && l.Message.Contains("RestartRequired", StringComparison.Ordinal));
        Assert.Contains(streamLines, l => l.Level == LogLevel.Warning && l.Message.Contains("ServiceUnavailable", StringComparison.Ordinal));
    }

    private sealed class LevelLogger : ILogger<WaClient>
    {
        private readonly List<(LogLevel Level, string Message)> _lines = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Lines
        {
            get
            {
                lock (_lines)
                    return [.. _lines];
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
                _lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
