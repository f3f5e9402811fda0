using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>Downloaded media failed a hash, MAC or padding check (wrong key, wrong type, or corruption).</summary>
public sealed class MediaIntegrityException : CryptographicException
{
    public MediaIntegrityException(string message) : base(message)
    {
    }

    public MediaIntegrityException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
