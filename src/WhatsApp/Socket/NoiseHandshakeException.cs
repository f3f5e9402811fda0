namespace CodeChat.WhatsApp.Socket;

/// <summary>The Noise XX handshake failed (malformed message, failed decryption, timeout, peer closed).</summary>
public class NoiseHandshakeException : NoiseException
{
    public NoiseHandshakeException(string message) : base(message)
    {
    }

    public NoiseHandshakeException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
