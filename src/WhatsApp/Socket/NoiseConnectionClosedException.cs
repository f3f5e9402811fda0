namespace CodeChat.WhatsApp.Socket;

/// <summary>Receiving from a connection the peer (or this side) has closed cleanly.</summary>
public sealed class NoiseConnectionClosedException : NoiseException
{
    public NoiseConnectionClosedException(string message) : base(message)
    {
    }

    public NoiseConnectionClosedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
