using CodeChat.WhatsApp.Client;

namespace CodeChat.WhatsApp.Tests.Client;

public class WhatsAppWebVersionTests
{
    [Theory]
    [InlineData("2.3000.1045649367", 2u, 3000u, 1045649367u)]
    [InlineData(" 2.3000.1 ", 2u, 3000u, 1u)]
    public void Parses_three_part_versions(string text, uint primary, uint secondary, uint tertiary)
    {
        Assert.Equal(new WhatsAppWebVersion(primary, secondary, tertiary), WhatsAppWebVersion.Parse(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2.3000")]
    [InlineData("2.3000.1.4")]
    [InlineData("2.3000.-1")]
    [InlineData("2.x.1")]
    [InlineData("2.3000.99999999999")]
    public void Rejects_malformed_versions(string? text)
    {
        Assert.False(WhatsAppWebVersion.TryParse(text, out _));
    }

    [Fact]
    public void Parse_throws_format_exception_for_garbage()
    {
        Assert.Throws<FormatException>(() => WhatsAppWebVersion.Parse("latest"));
    }

    [Theory]
    [InlineData("self.__swData={\"dynamic_data\":{\"client_revision\":1045649367,\"x\":1}}")]
    [InlineData("JSON.parse(\"{\\\"client_revision\\\":1045649367}\")")]
    [InlineData("\"client_revision\" : 1045649367")]
    public void Reads_client_revision_from_the_service_worker_script(string script)
    {
        Assert.True(WhatsAppWebVersion.TryParseServiceWorker(script, out var version));
        Assert.Equal(new WhatsAppWebVersion(2, 3000, 1045649367), version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no revision here")]
    [InlineData("\"client_revision\":\"abc\"")]
    public void Service_worker_without_revision_is_not_a_version(string? script)
    {
        Assert.False(WhatsAppWebVersion.TryParseServiceWorker(script, out _));
    }

    [Fact]
    public void Build_hash_is_16_bytes_and_depends_on_every_part()
    {
        var a = new WhatsAppWebVersion(2, 3000, 1).ComputeBuildHash();
        var b = new WhatsAppWebVersion(2, 3001, 1).ComputeBuildHash();

        Assert.Equal(16, a.Length);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Versions_order_by_each_part_in_turn()
    {
        Assert.True(new WhatsAppWebVersion(2, 3000, 1045649367) > new WhatsAppWebVersion(2, 3000, 1045649366));
        Assert.True(new WhatsAppWebVersion(2, 3001, 1) > new WhatsAppWebVersion(2, 3000, 1099999999));
        Assert.True(new WhatsAppWebVersion(3, 0, 0) > new WhatsAppWebVersion(2, 3000, 1));
        Assert.True(new WhatsAppWebVersion(2, 3000, 5) <= new WhatsAppWebVersion(2, 3000, 5));
        Assert.Equal(0, new WhatsAppWebVersion(2, 3000, 5).CompareTo(WhatsAppWebVersion.Parse("2.3000.5")));
    }

    [Theory]
    [InlineData("2.3000.1045649367", true)]
    [InlineData("2.2412.54", true)]
    [InlineData("0.0.0", false)]
    [InlineData("3000.2.1", false)]
    [InlineData("2.3000.0", false)]
    public void Only_the_shape_of_a_web_version_counts_as_one(string text, bool expected)
    {
        Assert.Equal(expected, WhatsAppWebVersion.Parse(text).IsWebVersion);
    }
}
