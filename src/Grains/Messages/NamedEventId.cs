using System.Security.Cryptography;
using System.Text;

namespace CodeChat.Grains.Messages;

/// <summary>
/// Event ids derived from what the event reports, so that the same fact reported again (WhatsApp
/// redelivering a stanza after a crash between storing and confirming it) finds the event already in
/// the outbox, which appends an id at most once.
/// </summary>
public static class NamedEventId
{
    /// <summary>A name-based UUID (version 8, RFC 9562 variant) from the SHA-256 of <paramref name="name"/>.</summary>
    public static Guid From(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
