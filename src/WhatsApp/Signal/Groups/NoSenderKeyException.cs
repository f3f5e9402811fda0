namespace CodeChat.WhatsApp.Signal.Groups;

/// <summary>
/// A <c>skmsg</c> arrived for a sender, or a key id, whose distribution message we never received
/// (pitfall P7: answer with a retry receipt so the sender re-sends it), or an encrypt was asked for
/// a group where we have no sender key of our own.
/// </summary>
public class NoSenderKeyException : SignalProtocolException
{
    public NoSenderKeyException(string message)
        : base(message)
    {
    }

    public NoSenderKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
