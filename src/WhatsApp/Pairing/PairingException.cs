namespace CodeChat.WhatsApp.Pairing;

/// <summary>Pairing failed; <see cref="Error"/> is what to send back to the server.</summary>
public sealed class PairingException : Exception
{
    public PairingException(PairingError error, string message) : base(message)
    {
        Error = error;
    }

    public PairingException(PairingError error, string message, Exception innerException) : base(message, innerException)
    {
        Error = error;
    }

    public PairingError Error { get; }
}
