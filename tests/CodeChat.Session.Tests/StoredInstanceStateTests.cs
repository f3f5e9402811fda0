using System.Text.Json;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Instances;
using CodeChat.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace CodeChat.Session.Tests;

/// <summary>
/// The instance record as the silo's grain storage serializer writes it: the connection states became
/// an enum, and the stored JSON must stay what it was when they were strings.
/// </summary>
public sealed class StoredInstanceStateTests(PostgresServerFixture postgres, EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    /// <summary>Written by the previous version (connection states as strings), captured from its serializer.</summary>
    private const string StoredByStringVersion =
        """{"Id":7,"Description":"d","TokenId":"t","TokenSha256":"AQID","TokenCreatedAt":"2026-01-02T03:04:05+00:00","TokenUpdatedAt":"2026-01-02T03:04:05+00:00","CreatedAt":"2026-01-02T03:04:05+00:00","UpdatedAt":"2026-01-02T03:04:06+00:00","DesiredConnectionState":"open","ActualConnectionState":"connecting","OwnerJid":"5511@s.whatsapp.net","SessionEpoch":3,"StatusReason":200,"Exists":true}""";

    [Fact]
    public async Task A_record_stored_with_string_states_loads_and_is_written_back_byte_identical()
    {
        await using var host = new SessionHost(await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken), emulator.Server);
        var serializer = host.Services.GetRequiredService<IGrainStorageSerializer>();

        var loaded = serializer.Deserialize<InstanceState>(BinaryData.FromString(StoredByStringVersion))!;

        Assert.Equal(InstanceConnectionState.Open, loaded.DesiredConnectionState);
        Assert.Equal(InstanceConnectionState.Connecting, loaded.ActualConnectionState);
        Assert.Equal(200, loaded.StatusReason);
        Assert.Equal(3, loaded.SessionEpoch);
        Assert.Equal(StoredByStringVersion, serializer.Serialize(loaded).ToString());
    }

    /// <summary>
    /// Written while the record still carried webhook settings (Id 13, "Webhook"), before they moved
    /// to the webhook_endpoints table: the property is gone and the record loads all the same.
    /// </summary>
    private const string StoredWithWebhookSettings =
        """{"Id":9,"Description":"w","TokenId":"t","TokenSha256":"AQID","TokenCreatedAt":"2026-01-02T03:04:05+00:00","TokenUpdatedAt":"2026-01-02T03:04:05+00:00","CreatedAt":"2026-01-02T03:04:05+00:00","UpdatedAt":"2026-01-02T03:04:06+00:00","DesiredConnectionState":"close","ActualConnectionState":"close","OwnerJid":null,"Webhook":{"Url":"https://example.com/hook","Enabled":true,"Events":{"qrcodeUpdated":false}},"SessionEpoch":2,"StatusReason":401,"Exists":true}""";

    [Fact]
    public async Task A_record_stored_with_the_old_webhook_settings_still_loads_and_drops_them_on_the_next_write()
    {
        await using var host = new SessionHost(await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken), emulator.Server);
        var serializer = host.Services.GetRequiredService<IGrainStorageSerializer>();

        var loaded = serializer.Deserialize<InstanceState>(BinaryData.FromString(StoredWithWebhookSettings))!;

        Assert.Equal(9, loaded.Id);
        Assert.Equal("w", loaded.Description);
        Assert.Equal(2, loaded.SessionEpoch);
        Assert.Equal(401, loaded.StatusReason);
        Assert.Equal(InstanceConnectionState.Close, loaded.ActualConnectionState);
        Assert.DoesNotContain("Webhook", serializer.Serialize(loaded).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(InstanceConnectionState.Close, "close")]
    [InlineData(InstanceConnectionState.Connecting, "connecting")]
    [InlineData(InstanceConnectionState.Open, "open")]
    [InlineData(InstanceConnectionState.Refused, "refused")]
    public void Each_state_is_written_and_read_as_codechats_word(InstanceConnectionState state, string word)
    {
        Assert.Equal($"\"{word}\"", JsonSerializer.Serialize(state));
        Assert.Equal(state, JsonSerializer.Deserialize<InstanceConnectionState>($"\"{word}\""));
        Assert.Equal(word, state.ToText());
    }

    [Theory]
    [InlineData("\"OPEN\"")]
    [InlineData("\"opened\"")]
    [InlineData("2")]
    public void Anything_but_codechats_words_is_refused(string json) =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<InstanceConnectionState>(json));
}
