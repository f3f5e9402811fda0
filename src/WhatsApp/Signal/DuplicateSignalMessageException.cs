namespace CodeChat.WhatsApp.Signal;

/// <summary>A message whose key was already used (a redelivery after a restart before the ack). Whatsmeow ignores it (NACK 496 "old counter"); do not send a retry receipt.</summary>
public class DuplicateSignalMessageException : SignalProtocolException
{
    public DuplicateSignalMessageException(string message)
        : base(message)
    {
    }

    public DuplicateSignalMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
