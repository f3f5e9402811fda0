using System.Security.Cryptography;
using System.Text;

namespace CodeChat.Secrets;

/// <summary>
/// The operator's master key (<c>Security:MasterKey</c>): it encrypts the Data Protection key ring
/// stored in PostgreSQL, so a copy of the database alone opens no secret. Only a key derived from
/// it is kept in memory; the text itself is never logged or printed.
/// </summary>
public sealed class MasterKey
{
    public const string ConfigurationKey = "Security:MasterKey";
    public const int MinimumLength = 32;

    // HKDF "info": binds the derived key to this one use, so the same master key could safely
    // derive other keys later.
    private static readonly byte[] KeyRingInfo = Encoding.ASCII.GetBytes("CodeChat.NET data protection key ring v1");

    private MasterKey(byte[] keyRingKey) => KeyRingKey = keyRingKey;

    /// <summary>AES-256-GCM key for the key ring's XML elements.</summary>
    internal byte[] KeyRingKey { get; }

    /// <summary>Derives the key from the configured text; throws <see cref="MasterKeyException"/> when it is too short.</summary>
    public static MasterKey FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length < MinimumLength)
        {
            throw new MasterKeyException(
                $"{ConfigurationKey} must be at least {MinimumLength} characters of random text (e.g. `openssl rand -base64 32`).");
        }

        var derived = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(trimmed), 32, salt: [], info: KeyRingInfo);
        return new MasterKey(derived);
    }

    /// <summary>A new random master key as text (32 random bytes, base64).</summary>
    public static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public override string ToString() => "MasterKey(hidden)";
}
