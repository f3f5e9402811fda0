namespace CodeChat.Api.OpenApi;

/// <summary>
/// Endpoint metadata: the route takes no key or token header, the credential is the body's
/// <paramref name="Property"/> (CodeChat 1.3's refreshToken), so Swagger shows it without a lock.
/// </summary>
public sealed record CredentialInBody(string Property);
