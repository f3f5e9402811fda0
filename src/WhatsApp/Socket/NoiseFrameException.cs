namespace CodeChat.WhatsApp.Socket;

/// <summary>The byte stream violated the framing rules (bad intro header, oversized frame, bad zlib body).</summary>
public sealed class NoiseFrameException : NoiseException
{
    public NoiseFrameException(string message) : base(message)
    {
    }

    public NoiseFrameException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
