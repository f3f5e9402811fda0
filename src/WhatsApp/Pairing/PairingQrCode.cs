using System.Globalization;
using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Pairing;

/// <summary>
/// Builds the text a phone scans to link this device (whatsapp-protocol.md §4.2, pitfall P9): the URL
/// form WhatsApp Web renders since May 2026,
/// <c>https://wa.me/settings/linked_devices#ref,noise,identity,adv,platform</c>.
/// </summary>
public static class PairingQrCode
{
    public const string Prefix = "https://wa.me/settings/linked_devices#";

    /// <summary>How long the first ref is shown (whatsmeow <c>qrchan.go</c>).</summary>
    public static readonly TimeSpan FirstRefTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long every following ref is shown.</summary>
    public static readonly TimeSpan NextRefTimeout = TimeSpan.FromSeconds(20);

    /// <param name="reference">The UTF-8 text of one <c>&lt;ref&gt;</c> of pair-device (starts with <c>2@</c>).</param>
    /// <param name="advSecret">The 32-byte adv secret; the phone HMACs the pair-success identity with it.</param>
    public static string Create(
        string reference,
        Curve25519PublicKey noiseKey,
        Curve25519PublicKey identityKey,
        ReadOnlySpan<byte> advSecret,
        CompanionClientType clientType)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        ArgumentNullException.ThrowIfNull(noiseKey);
        ArgumentNullException.ThrowIfNull(identityKey);
        if (reference.Contains(','))
        {
            throw new ArgumentException("A pairing ref cannot contain a comma: it would shift the QR fields.", nameof(reference));
        }
        if (advSecret.Length != 32)
        {
            throw new ArgumentException($"The adv secret is 32 bytes; got {advSecret.Length}.", nameof(advSecret));
        }
        return string.Concat(
            Prefix,
            reference, ",",
            Convert.ToBase64String(noiseKey.Raw32.Span), ",",
            Convert.ToBase64String(identityKey.Raw32.Span), ",",
            Convert.ToBase64String(advSecret), ",",
            ClientTypeId(clientType));
    }

    /// <summary>The one-character platform id ("1" for Chrome, "c" for macOS…).</summary>
    public static string ClientTypeId(CompanionClientType clientType)
    {
        if (clientType is < CompanionClientType.Unknown or > (CompanionClientType)0xF)
        {
            throw new ArgumentOutOfRangeException(nameof(clientType), clientType, "The client type travels as one hex digit.");
        }
        return ((int)clientType).ToString("x", CultureInfo.InvariantCulture);
    }

    /// <summary>How long ref number <paramref name="index"/> (0-based) stays valid.</summary>
    public static TimeSpan TimeoutForRef(int index) => index == 0 ? FirstRefTimeout : NextRefTimeout;
}
