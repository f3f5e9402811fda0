using CodeChat.Api.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CodeChat.Api.Tests;

public sealed class InstanceTokenServiceTests
{
    // Tokens are encrypted for storage; an ephemeral provider stands in for the database key ring here.
    private static readonly IDataProtectionProvider Protection = new EphemeralDataProtectionProvider();

    private static InstanceTokenService Service(string secret) =>
        new(Credentials(secret), new InstanceTokenProtector(Protection, NullLogger<InstanceTokenProtector>.Instance), TimeProvider.System);

    // Both values configured: the credentials never need the database.
    private static ApiCredentials Credentials(string secret) => new(
        Options.Create(new CodeChatAuthenticationOptions { GlobalApiKey = "global-key", JwtSecret = secret }),
        new ApiSettingsStore(null!),
        new ThrowingAnnouncer(),
        Protection,
        NullLogger<ApiCredentials>.Instance);

    private const string Secret = "0123456789abcdef0123456789abcdef-test-secret";

    [Fact]
    public async Task Issued_token_is_an_HS256_JWT_with_CodeChat_claims_and_reads_back()
    {
        var service = Service(Secret);
        var issued = await service.IssueAsync("sales-01", TestContext.Current.CancellationToken);

        var jwt = new JsonWebToken(issued.Token);
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal("sales-01", jwt.GetClaim("instanceName").Value);
        Assert.Equal("whatsapp-api", jwt.GetClaim("apiName").Value);
        Assert.Equal(issued.TokenId, jwt.GetClaim("tokenId").Value);
        Assert.True(Ulid.TryParse(issued.TokenId, out _));
        Assert.False(jwt.TryGetClaim("exp", out _));

        var claims = await service.ReadAsync(issued.Token, TestContext.Current.CancellationToken);
        Assert.Equal(new InstanceTokenService.TokenClaims("sales-01", issued.TokenId), claims);
        Assert.Equal(ApiCredentials.Sha256(issued.Token), issued.Credential.TokenSha256);
        Assert.Equal(issued.TokenId, issued.Credential.TokenId);
        Assert.DoesNotContain(issued.Token, issued.Credential.ProtectedToken);
        var protector = new InstanceTokenProtector(Protection, NullLogger<InstanceTokenProtector>.Instance);
        Assert.Equal(issued.Token, protector.Reveal("sales-01", issued.Credential.ProtectedToken));
    }

    [Fact]
    public async Task Token_signed_with_another_secret_or_tampered_is_rejected()
    {
        var issued = await Service(Secret).IssueAsync("sales-01", TestContext.Current.CancellationToken);

        Assert.Null(await Service(Secret + "-other").ReadAsync(issued.Token, TestContext.Current.CancellationToken));
        var tampered = issued.Token[..^2] + (issued.Token[^2] == 'A' ? "B" : "A") + issued.Token[^1];
        Assert.Null(await Service(Secret).ReadAsync(tampered, TestContext.Current.CancellationToken));
        Assert.Null(await Service(Secret).ReadAsync("not-a-jwt", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Global_key_check_compares_against_the_configured_key()
    {
        var credentials = Credentials(Secret);
        Assert.True(await credentials.IsGlobalApiKeyAsync("global-key", TestContext.Current.CancellationToken));
        Assert.False(await credentials.IsGlobalApiKeyAsync("global-key ", TestContext.Current.CancellationToken));
        Assert.False(await credentials.IsGlobalApiKeyAsync("", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_configured_secret_shorter_than_32_bytes_is_refused()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Service("short").IssueAsync("x", TestContext.Current.CancellationToken));
        Assert.Contains("JwtSecret", error.Message);
    }

    private sealed class ThrowingAnnouncer : IGeneratedApiKeyAnnouncer
    {
        public void Announce(string globalApiKey) => throw new InvalidOperationException("No key should be generated here.");
    }
}
