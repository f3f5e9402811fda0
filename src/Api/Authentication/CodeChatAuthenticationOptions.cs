namespace CodeChat.Api.Authentication;

/// <summary>Configuration section "Authentication" (env Authentication__GlobalApiKey, Authentication__JwtSecret).</summary>
public sealed class CodeChatAuthenticationOptions
{
    public const string SectionName = "Authentication";

    /// <summary>The global key for header <c>apikey</c>; when empty one is generated on first start and only its hash stored.</summary>
    public string? GlobalApiKey { get; set; }

    /// <summary>HS256 secret for instance tokens (at least 32 bytes of UTF-8); when empty one is generated and stored.</summary>
    public string? JwtSecret { get; set; }
}
