namespace CodeChat.WhatsApp.Signal;

/// <summary>A message that is malformed, has an unsupported version, fails its MAC or its decryption, or names a chain key too far ahead. Whatsmeow and Baileys answer it with a retry receipt.</summary>
public class InvalidSignalMessageException : SignalProtocolException
{
    public InvalidSignalMessageException(string message)
        : base(message)
    {
    }

    public InvalidSignalMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
