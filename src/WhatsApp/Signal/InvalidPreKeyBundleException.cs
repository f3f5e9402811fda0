namespace CodeChat.WhatsApp.Signal;

/// <summary>A prekey bundle whose signed prekey signature does not verify with its identity key (pitfall P16) or whose keys are malformed.</summary>
public class InvalidPreKeyBundleException : SignalProtocolException
{
    public InvalidPreKeyBundleException(string message)
        : base(message)
    {
    }

    public InvalidPreKeyBundleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
