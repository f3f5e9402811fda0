namespace CodeChat.WhatsApp.Binary;

/// <summary>
/// The one exception the binary XML layer throws: malformed or hostile input on decode, a value the wire
/// format cannot carry on encode, or a node that lacks something its reader requires.
/// </summary>
public class WaBinaryException : Exception
{
    public WaBinaryException(string message) : base(message)
    {
    }

    public WaBinaryException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
