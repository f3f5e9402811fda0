using System.Security.Cryptography;
using StandardWebhooks;

namespace CodeChat.Grains.Webhooks;

/// <summary>
/// Standard Webhooks 1.0 signatures (<c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of "id.timestamp.body"&gt;</c>)
/// through the StandardWebhooks package; secrets are <c>whsec_</c> + base64 of 32 random bytes.
/// During a rotation both the current and the previous secret sign, space-separated, as the
/// specification allows, so a receiver that still has the old secret keeps verifying.
/// </summary>
public static class WebhookSigner
{
    public const string SecretPrefix = "whsec_";
    private const int SecretBytes = 32;

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>True for <c>whsec_</c> followed by base64 of 24 to 64 bytes.</summary>
    public static bool IsValidSecret(string? secret)
    {
        if (secret is null || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
            return false;
        Span<byte> key = stackalloc byte[96];
        return Convert.TryFromBase64String(secret[SecretPrefix.Length..], key, out var length) && length is >= 24 and <= 64;
    }

    /// <summary>The <c>webhook-signature</c> header value: one <c>v1,…</c> signature per secret.</summary>
    public static string Sign(IReadOnlyList<string> secrets, string messageId, DateTimeOffset timestamp, string body)
    {
        ArgumentOutOfRangeException.ThrowIfZero(secrets.Count);
        return string.Join(' ', secrets.Select(secret => new StandardWebhook(secret).Sign(messageId, timestamp, body)));
    }
}
