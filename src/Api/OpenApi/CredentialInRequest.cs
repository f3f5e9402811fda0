namespace CodeChat.Api.OpenApi;

/// <summary>
/// Endpoint metadata: the route takes no key or token header, its credential travels in the request
/// (<paramref name="Credential"/> says where, e.g. CodeChat 1.3's refreshToken body or a media link's
/// token), so Swagger shows it without a lock.
/// </summary>
public sealed record CredentialInRequest(string Credential);
