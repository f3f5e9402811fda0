namespace CodeChat.WhatsApp.Socket;

/// <summary>The server's certificate chain did not verify against the trusted root (whatsapp-protocol.md §2.6).</summary>
public sealed class ServerCertificateException : NoiseHandshakeException
{
    public ServerCertificateException(string message) : base(message)
    {
    }

    public ServerCertificateException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
