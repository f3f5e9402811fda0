using System.Security.Cryptography;
using CodeChat.Media.Sources;

namespace CodeChat.Media.Tests;

public sealed class Base64MediaDecoderTests
{
    private const string Field = "mediaMessage.media";

    [Fact]
    public async Task A_data_url_decodes_with_its_declared_type()
    {
        var ct = TestContext.Current.CancellationToken;
        var bytes = RandomNumberGenerator.GetBytes(200_003);

        await using var source = await Base64MediaDecoder.DecodeAsync("data:image/png;base64," + Convert.ToBase64String(bytes), "a.png", 1_000_000, Field, ct);

        Assert.Equal(bytes, await File.ReadAllBytesAsync(source.Path, ct));
        Assert.Equal("image/png", source.ContentType);
        Assert.Equal("a.png", source.FileName);
    }

    [Fact]
    public async Task Bare_base64_with_line_breaks_and_the_url_alphabet_without_padding_decode()
    {
        var ct = TestContext.Current.CancellationToken;
        var bytes = RandomNumberGenerator.GetBytes(100_000);
        var standard = Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks);
        var urlSafe = Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        foreach (var text in new[] { standard, urlSafe })
        {
            Assert.True(Base64MediaDecoder.IsInline(text));
            await using var source = await Base64MediaDecoder.DecodeAsync(text, null, 1_000_000, Field, ct);
            Assert.Equal(bytes, await File.ReadAllBytesAsync(source.Path, ct));
            Assert.Null(source.ContentType);
        }
    }

    [Theory]
    [InlineData("data:image/png,notbase64")]
    [InlineData("data:image/png;base64")]
    [InlineData("abc$def")]
    [InlineData("QUJD#")]
    public async Task Input_that_is_not_base64_is_refused_naming_the_field(string text)
    {
        var ct = TestContext.Current.CancellationToken;
        var error = await Assert.ThrowsAsync<MediaInputException>(() => Base64MediaDecoder.DecodeAsync(text, null, 1_000, Field, ct));
        Assert.Equal(Field, error.Field);
    }

    [Fact]
    public async Task More_than_the_limit_is_too_large()
    {
        var ct = TestContext.Current.CancellationToken;
        var text = Convert.ToBase64String(new byte[1_001]);
        var error = await Assert.ThrowsAsync<MediaTooLargeException>(() => Base64MediaDecoder.DecodeAsync(text, null, 1_000, Field, ct));
        Assert.Equal(1_000, error.LimitBytes);
        await using var exact = await Base64MediaDecoder.DecodeAsync(Convert.ToBase64String(new byte[1_000]), null, 1_000, Field, ct);
        Assert.Equal(1_000, exact.Length);
    }

    [Theory]
    [InlineData("https://example.com/a.png", false)]
    [InlineData("ftp://example.com/a.png", false)]
    [InlineData("data:text/plain;base64,aGk=", true)]
    [InlineData("aGVsbG8gd29ybGQ=", true)]
    public void Inline_media_is_told_from_urls(string text, bool inline)
    {
        Assert.Equal(inline, Base64MediaDecoder.IsInline(text));
        Assert.Equal(text.StartsWith("https:", StringComparison.Ordinal), MediaUrlFetcher.IsHttpUrl(text, out _));
    }
}
