namespace CodeChat.WhatsApp.Signal;

/// <summary>A `msg` arrived, or an encrypt was asked, for an address without a usable session.</summary>
public class NoSignalSessionException : SignalProtocolException
{
    public NoSignalSessionException(string message)
        : base(message)
    {
    }

    public NoSignalSessionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
