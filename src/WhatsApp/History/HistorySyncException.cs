namespace CodeChat.WhatsApp.History;

/// <summary>A history-sync payload that cannot be read: not zlib, too large, or not a <c>HistorySync</c>. Downloading again would give the same bytes.</summary>
public sealed class HistorySyncException : Exception
{
    public HistorySyncException()
    {
    }

    public HistorySyncException(string message)
        : base(message)
    {
    }

    public HistorySyncException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
