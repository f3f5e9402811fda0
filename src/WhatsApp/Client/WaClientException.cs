namespace CodeChat.WhatsApp.Client;

/// <summary>A client operation could not complete (not connected, connection lost, timed out).</summary>
public class WaClientException : Exception
{
    public WaClientException(string message) : base(message)
    {
    }

    public WaClientException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
