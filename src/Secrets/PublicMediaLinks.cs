using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace CodeChat.Secrets;

/// <summary>
/// The tokens of the public media download link (<c>GET /chat/public/{type}/download?q=</c>) that
/// <c>new.message</c> points to. CodeChat 1.3 put the media key and path, unsigned, in base64 (anyone could
/// forge a link to any media); ours is the instance name, the stored message's id and an expiry, sealed
/// with Data Protection (authenticated encryption on the key ring every silo and API host shares), so a
/// token can be neither read, altered nor made up, and stops working when it expires.
/// </summary>
public sealed class PublicMediaLinks(IDataProtectionProvider protection, TimeProvider timeProvider)
{
    // Format version byte, then expiry (Unix ms, big endian), message id (big endian), instance name (UTF-8).
    private const byte Version = 1;

    private readonly IDataProtector _protector = protection.CreateProtector(SecretPurposes.PublicMediaLink);

    /// <summary>A token for the stored message <paramref name="messageId"/> of <paramref name="instanceName"/>, valid until <paramref name="expiresAt"/>.</summary>
    public string Create(string instanceName, long messageId, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        var name = Encoding.UTF8.GetBytes(instanceName);
        var plain = new byte[1 + 8 + 8 + name.Length];
        plain[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(plain.AsSpan(1), expiresAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64BigEndian(plain.AsSpan(9), messageId);
        name.CopyTo(plain, 17);
        return WebEncoders.Base64UrlEncode(_protector.Protect(plain));
    }

    /// <summary>What a token names, or why it cannot be used.</summary>
    public PublicMediaLink Read(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        byte[] plain;
        try
        {
            plain = _protector.Unprotect(WebEncoders.Base64UrlDecode(token));
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException)
        {
            return new PublicMediaLink(PublicMediaLinkStatus.Invalid);
        }
        if (plain.Length < 18 || plain[0] != Version)
            return new PublicMediaLink(PublicMediaLinkStatus.Invalid);
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(plain.AsSpan(1)));
        var link = new PublicMediaLink(PublicMediaLinkStatus.Valid, Encoding.UTF8.GetString(plain.AsSpan(17)),
            BinaryPrimitives.ReadInt64BigEndian(plain.AsSpan(9)), expiresAt);
        return timeProvider.GetUtcNow() < expiresAt ? link : link with { Status = PublicMediaLinkStatus.Expired };
    }
}

public enum PublicMediaLinkStatus
{
    Valid,
    /// <summary>Not a token we made: altered, made up, or sealed with a key the ring no longer has.</summary>
    Invalid,
    Expired,
}

/// <summary>A read token: the instance and stored message it names and when it expires (unset when <see cref="Status"/> is Invalid).</summary>
public sealed record PublicMediaLink(PublicMediaLinkStatus Status, string? InstanceName = null, long MessageId = 0, DateTimeOffset ExpiresAt = default);
