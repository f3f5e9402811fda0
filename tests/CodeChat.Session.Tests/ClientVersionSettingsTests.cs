using CodeChat.Grains.Abstractions.ClientVersion;
using CodeChat.Grains.ClientVersion;
using CodeChat.Grains.Sessions;
using CodeChat.WhatsApp.Client;

namespace CodeChat.Session.Tests;

/// <summary>The WhatsApp:Version* keys and the precedence stored &gt; configured &gt; compiled default.</summary>
public sealed class ClientVersionSettingsTests
{
    private static readonly WhatsAppWebVersion Configured = new(2, 3000, 1_000_000_100);

    [Fact]
    public void Stored_beats_configured_beats_the_compiled_default()
    {
        var stored = new StoredWhatsAppVersion("2.3000.1000000200", "admin", DateTimeOffset.UnixEpoch);

        Assert.Equal((new WhatsAppWebVersion(2, 3000, 1_000_000_200), "stored"), ClientVersionPrecedence.Resolve(stored, Configured));
        Assert.Equal((Configured, "configured"), ClientVersionPrecedence.Resolve(null, Configured));
        Assert.Equal((WhatsAppWebVersion.Default, "default"), ClientVersionPrecedence.Resolve(null, null));
    }

    [Fact]
    public void A_stored_value_that_is_not_a_version_is_skipped()
    {
        var garbage = new StoredWhatsAppVersion("latest", "admin", DateTimeOffset.UnixEpoch);

        Assert.Equal((Configured, "configured"), ClientVersionPrecedence.Resolve(garbage, Configured));
    }

    [Fact]
    public void Absent_keys_mean_the_compiled_default_and_an_hourly_check_of_whatsapp_webs_service_worker()
    {
        var settings = WhatsAppVersionSettings.From(new WhatsAppOptions());

        Assert.Null(settings.Configured);
        Assert.Equal(WhatsAppWebVersion.Default, settings.Fallback);
        Assert.Equal(new Uri("https://web.whatsapp.com/sw.js"), settings.Source);
        Assert.Equal(TimeSpan.FromHours(1), settings.Interval);
        Assert.True(settings.RefresherEnabled);
        Assert.Equal(WhatsAppWebVersion.Default, new WhatsAppOptions().ToClientOptions().Payload.Version);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("OFF")]
    [InlineData("")]
    public void Off_or_empty_turns_the_refresher_or_its_schedule_off(string value)
    {
        Assert.False(WhatsAppVersionSettings.From(new WhatsAppOptions { VersionSource = value }).RefresherEnabled);
        Assert.Null(WhatsAppVersionSettings.From(new WhatsAppOptions { VersionRefresh = value }).Interval);
    }

    [Fact]
    public void Configured_values_are_read()
    {
        var options = new WhatsAppOptions { Version = " 2.3000.1000000100 ", VersionSource = "https://127.0.0.1:4443/sw.js", VersionRefresh = "00:15:00" };

        var settings = WhatsAppVersionSettings.From(options);

        Assert.Equal(Configured, settings.Configured);
        Assert.Equal(new Uri("https://127.0.0.1:4443/sw.js"), settings.Source);
        Assert.Equal(TimeSpan.FromMinutes(15), settings.Interval);
        Assert.Null(WhatsAppVersionSettings.From(new WhatsAppOptions { VersionRefresh = "0" }).Interval);
        // The client claims the configured version when nothing is stored.
        Assert.Equal(Configured, options.ToClientOptions().Payload.Version);
    }

    [Theory]
    [InlineData("WhatsApp:Version", "2.3000")]
    [InlineData("WhatsApp:Version", "0.0.0")]
    [InlineData("WhatsApp:Version", "latest")]
    [InlineData("WhatsApp:VersionSource", "http://web.whatsapp.com/sw.js")]
    [InlineData("WhatsApp:VersionSource", "sw.js")]
    [InlineData("WhatsApp:VersionRefresh", "hourly")]
    [InlineData("WhatsApp:VersionRefresh", "00:00:10")]
    [InlineData("WhatsApp:VersionRefresh", "-01:00:00")]
    public void A_bad_value_fails_validation_naming_its_key(string key, string value)
    {
        var options = key switch
        {
            "WhatsApp:Version" => new WhatsAppOptions { Version = value },
            "WhatsApp:VersionSource" => new WhatsAppOptions { VersionSource = value },
            _ => new WhatsAppOptions { VersionRefresh = value },
        };

        var result = new WhatsAppOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }
}
