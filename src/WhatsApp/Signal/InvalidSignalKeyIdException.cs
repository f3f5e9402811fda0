namespace CodeChat.WhatsApp.Signal;

/// <summary>A `pkmsg` names a one-time or signed prekey that we do not have (already consumed, or never ours; pitfall P11).</summary>
public class InvalidSignalKeyIdException : SignalProtocolException
{
    public InvalidSignalKeyIdException(string message)
        : base(message)
    {
    }

    public InvalidSignalKeyIdException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
