using CodeChat.Grains.Abstractions.Instances;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CodeChat.Api.Authentication;

/// <summary>
/// Instance tokens as CodeChat 1.3 issues them: HS256 JWTs with claims instanceName,
/// apiName "whatsapp-api" and tokenId (a ULID). They carry no expiry; rotation revokes them.
/// </summary>
public sealed class InstanceTokenService(ApiCredentials credentials, InstanceTokenProtector protector, TimeProvider timeProvider)
{
    public const string ApiName = "whatsapp-api";
    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>A new token: in clear for the one answer that shows it, and as the grain keeps it.</summary>
    public sealed record IssuedToken(string TokenId, string Token, InstanceTokenCredential Credential);

    public sealed record TokenClaims(string InstanceName, string TokenId);

    public async Task<IssuedToken> IssueAsync(string instanceName, CancellationToken cancellationToken)
    {
        var key = await credentials.GetSigningKeyAsync(cancellationToken);
        var tokenId = Ulid.NewUlid().ToString();
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                ["instanceName"] = instanceName,
                ["apiName"] = ApiName,
                ["tokenId"] = tokenId,
                ["sub"] = "g-t",
            },
            IssuedAt = timeProvider.GetUtcNow().UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(tokenId, token, new InstanceTokenCredential(tokenId, ApiCredentials.Sha256(token), protector.Protect(token)));
    }

    /// <summary>The claims of a token signed with our key for our API, or null. Does not check that it is current.</summary>
    public async Task<TokenClaims?> ReadAsync(string token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 4096)
            return null;
        var key = await credentials.GetSigningKeyAsync(cancellationToken);
        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            IssuerSigningKey = new SymmetricSecurityKey(key),
        });
        if (!result.IsValid)
            return null;
        return result.Claims.TryGetValue("instanceName", out var name) && name is string instanceName
            && result.Claims.TryGetValue("tokenId", out var id) && id is string tokenId
            && result.Claims.TryGetValue("apiName", out var api) && api is string apiName && apiName == ApiName
            ? new TokenClaims(instanceName, tokenId)
            : null;
    }
}
