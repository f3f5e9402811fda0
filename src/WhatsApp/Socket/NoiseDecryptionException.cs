namespace CodeChat.WhatsApp.Socket;

/// <summary>A transport frame failed AES-GCM authentication: it was tampered with, reordered or lost.</summary>
public sealed class NoiseDecryptionException : NoiseException
{
    public NoiseDecryptionException(string message) : base(message)
    {
    }

    public NoiseDecryptionException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
