using System.Text.Json;
using CodeChat.Api.Errors;
using CodeChat.Api.Messages;
using CodeChat.Grains.Abstractions.Messages;

namespace CodeChat.Api.Tests;

/// <summary>A status post's options as the send routes read and check them (<see cref="StatusPostOptions"/>, <see cref="StatusBackgroundColor"/>).</summary>
public sealed class StatusPostOptionsTests
{
    [Theory]
    [InlineData("#FF8800", 0xFFFF8800u)]
    [InlineData("ff8800", 0xFFFF8800u)]
    [InlineData("#80ff8800", 0x80FF8800u)]
    [InlineData("#00000000", 0x00000000u)]
    public void A_background_colour_is_RRGGBB_made_opaque_or_AARRGGBB(string text, uint argb)
    {
        Assert.True(StatusBackgroundColor.TryParse(text, out var parsed));
        Assert.Equal(argb, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("#")]
    [InlineData("orange")]
    [InlineData("#FFF")]
    [InlineData("#FF88001")]
    [InlineData("#GG8800")]
    [InlineData("0xFF8800")]
    [InlineData("#+F8800")]
    [InlineData("##FF8800")]
    public void Anything_else_is_not_a_background_colour(string? text) =>
        Assert.False(StatusBackgroundColor.TryParse(text, out _));

    [Fact]
    public void The_status_options_are_read_from_json_and_from_a_form_alike()
    {
        foreach (var body in new[]
        {
            """{"options":{"statusJidList":["5531987654321","5531912345678@s.whatsapp.net"],"backgroundColor":"#112233","font":7}}""",
            // a form: every value a string, the list as qs makes it of statusJidList[0], statusJidList[1]
            """{"options":{"statusJidList":{"0":"5531987654321","1":"5531912345678@s.whatsapp.net"},"backgroundColor":"112233","font":"7"}}""",
        })
        {
            var (options, failures, _) = SendOptionsReader.Read(JsonDocument.Parse(body).RootElement);
            Assert.Empty(failures);
            Assert.Equal(["5531987654321", "5531912345678@s.whatsapp.net"], options.StatusJidList);
            Assert.Equal(0xFF112233u, options.StatusBackgroundArgb);
            Assert.Equal(7, options.StatusFont);
            Assert.False(options.StatusAllContacts);
            Assert.True(options.HasStatusOptions);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(6)]
    [InlineData(10)]
    public void A_font_WhatsApp_defines_is_taken(int font)
    {
        Assert.Equal([0, 1, 2, 6, 7, 8, 9, 10], StatusPostOptions.Fonts);
        var (options, failures, _) = SendOptionsReader.Read(JsonDocument.Parse("{\"options\":{\"font\":" + font + "}}").RootElement);
        Assert.Empty(failures);
        Assert.Equal(font, options.StatusFont);
    }

    [Theory]
    [InlineData("""{"statusJidList":[]}""", "options.statusJidList")]
    [InlineData("""{"statusJidList":"x"}""", "options.statusJidList[0]")]
    [InlineData("""{"statusJidList":["5531987654321","120363025246125486@g.us"]}""", "options.statusJidList[1]")]
    [InlineData("""{"statusJidList":["5531987654321",7]}""", "options.statusJidList[1]")]
    [InlineData("""{"allContacts":"maybe"}""", "options.allContacts")]
    [InlineData("""{"backgroundColor":"red"}""", "options.backgroundColor")]
    [InlineData("""{"font":3}""", "options.font")]
    [InlineData("""{"font":11}""", "options.font")]
    [InlineData("""{"font":-1}""", "options.font")]
    public void A_bad_status_option_is_a_failure_naming_it(string options, string property)
    {
        var (_, failures, _) = SendOptionsReader.Read(JsonDocument.Parse($$"""{"options":{{options}}}""").RootElement);
        Assert.Contains(failures, f => f.Property == property);
    }

    [Fact]
    public void A_status_post_needs_exactly_one_kind_of_audience_and_only_a_text_takes_a_style()
    {
        var styled = new SendOptions { StatusJidList = ["5531987654321"], StatusBackgroundArgb = 0xFF000000, StatusFont = 1 };
        Assert.Empty(Check("status@broadcast", isText: true, styled));
        Assert.Empty(Check("status@broadcast", isText: false, new SendOptions { StatusAllContacts = true }));
        Assert.Equal(["options.statusJidList"], Check("status@broadcast", isText: true, SendOptions.None));
        Assert.Equal(["options.statusJidList"], Check("status@broadcast", isText: true, new SendOptions { StatusJidList = ["5531987654321"], StatusAllContacts = true }));
        Assert.Equal(["options.backgroundColor", "options.font"], Check("status@broadcast", isText: false, styled));
        // Not a status: none of the status options belongs there.
        Assert.Equal(["options.statusJidList", "options.backgroundColor", "options.font"], Check("5531987654321", isText: true, styled));
        Assert.Equal(["options.allContacts"], Check(null, isText: true, new SendOptions { StatusAllContacts = true }));
        Assert.Empty(Check("5531987654321", isText: true, SendOptions.None));
    }

    private static List<string> Check(string? number, bool isText, SendOptions options)
    {
        var failures = new List<ValidationFailure>();
        StatusPostOptions.Check(number, isText, options, failures);
        return [.. failures.Select(f => f.Property)];
    }
}
