using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StandardWebhooks;

namespace CodeChat.Webhooks.Tests;

/// <summary>
/// The Standard Webhooks 1.0 verification algorithm, written from the specification and the
/// reference libraries (standard-webhooks/standard-webhooks, libraries/python/standardwebhooks/webhooks.py),
/// independently of the signer under test: base64-decode the key after "whsec_", HMAC-SHA256 over
/// "{webhook-id}.{webhook-timestamp}.{body}", compare with any space-separated "v1," signature.
/// </summary>
public static class SignatureVerifier
{
    public static bool Verify(string secret, IReadOnlyDictionary<string, string> headers, string body, TimeSpan? tolerance = null)
    {
        if (!headers.TryGetValue("webhook-id", out var id) || !headers.TryGetValue("webhook-timestamp", out var timestamp)
            || !headers.TryGetValue("webhook-signature", out var signatures))
            return false;
        var seconds = long.Parse(timestamp, CultureInfo.InvariantCulture);
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > (tolerance ?? TimeSpan.FromMinutes(5)).TotalSeconds)
            return false;

        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        foreach (var versioned in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = versioned.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || versioned[..comma] != "v1")
                continue;
            if (CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(versioned[(comma + 1)..]), expected))
                return true;
        }

        return false;
    }

    /// <summary>The same check through the StandardWebhooks NuGet package (1.1.2); throws when it does not verify.</summary>
    public static void VerifyWithStandardWebhooksPackage(string secret, IReadOnlyDictionary<string, string> headers, string body)
    {
        var requestHeaders = new Microsoft.AspNetCore.Http.HeaderDictionary();
        foreach (var (key, value) in headers)
            requestHeaders[key] = value;
        new StandardWebhook(secret).Verify(body, requestHeaders);
    }
}
