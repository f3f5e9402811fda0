using CodeChat.Api.Authentication;
using CodeChat.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CodeChat.Api.Tests;

public sealed class ApiCredentialsStoreTests(MigratedPostgresDatabaseFixture postgres) : IClassFixture<MigratedPostgresDatabaseFixture>
{
    [Fact]
    public async Task Generated_global_key_is_announced_once_stored_as_hash_and_valid_after_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var cleanup = postgres.DataSource.CreateCommand("DELETE FROM api_settings"))
            await cleanup.ExecuteNonQueryAsync(ct);
        var firstAnnouncer = new RecordingAnnouncer();
        var first = Create(firstAnnouncer);

        await first.EnsureInitializedAsync(ct);
        var key = Assert.Single(firstAnnouncer.Keys);
        Assert.True(key.Length >= 40);
        Assert.True(await first.IsGlobalApiKeyAsync(key, ct));

        await using (var read = postgres.DataSource.CreateCommand("SELECT value FROM api_settings WHERE key = 'global_api_key_sha256'"))
        {
            var stored = (string)(await read.ExecuteScalarAsync(ct))!;
            Assert.Equal(Convert.ToHexString(ApiCredentials.Sha256(key)), stored);
            Assert.DoesNotContain(key, stored);
        }

        // A second start on the same database: nothing announced, same key accepted, same signing key.
        var secondAnnouncer = new RecordingAnnouncer();
        var second = Create(secondAnnouncer);
        Assert.True(await second.IsGlobalApiKeyAsync(key, ct));
        Assert.False(await second.IsGlobalApiKeyAsync(key + "x", ct));
        Assert.Empty(secondAnnouncer.Keys);
        Assert.Equal(await first.GetSigningKeyAsync(ct), await second.GetSigningKeyAsync(ct));
    }

    private ApiCredentials Create(IGeneratedApiKeyAnnouncer announcer) => new(
        Options.Create(new CodeChatAuthenticationOptions()),
        new ApiSettingsStore(postgres.DataSource),
        announcer,
        postgres.DataProtection,
        NullLogger<ApiCredentials>.Instance);

    private sealed class RecordingAnnouncer : IGeneratedApiKeyAnnouncer
    {
        public List<string> Keys { get; } = [];
        public void Announce(string globalApiKey) => Keys.Add(globalApiKey);
    }
}
