namespace CodeChat.WhatsApp.Signal;

/// <summary>Base of every Signal protocol failure; messages never contain key material.</summary>
public class SignalProtocolException : Exception
{
    public SignalProtocolException(string message)
        : base(message)
    {
    }

    public SignalProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
