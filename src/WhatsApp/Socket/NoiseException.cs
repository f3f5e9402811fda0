namespace CodeChat.WhatsApp.Socket;

/// <summary>Base type of every failure of the Noise transport layer.</summary>
public class NoiseException : Exception
{
    public NoiseException(string message) : base(message)
    {
    }

    public NoiseException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
