using Microsoft.AspNetCore.Http;

namespace CodeChat.Api.Authentication;

/// <summary>Reads the credentials a request presents, tolerating odd or missing headers.</summary>
public static class RequestCredentials
{
    public const string ApiKeyHeader = "apikey";

    public static string? ApiKey(HttpRequest request)
    {
        var value = request.Headers[ApiKeyHeader].ToString().Trim();
        return value.Length == 0 ? null : value;
    }

    public static string? BearerToken(HttpRequest request)
    {
        var value = request.Headers.Authorization.ToString().Trim();
        const string scheme = "bearer ";
        return value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && value.Length > scheme.Length
            ? value[scheme.Length..].Trim()
            : null;
    }

    /// <summary>The password of an HTTP Basic header (the user name is ignored), so a browser can send the key.</summary>
    public static string? BasicPassword(HttpRequest request)
    {
        var value = request.Headers.Authorization.ToString().Trim();
        const string scheme = "basic ";
        if (!value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return null;
        try
        {
            var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value[scheme.Length..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
