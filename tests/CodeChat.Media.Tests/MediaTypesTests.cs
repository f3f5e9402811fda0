using System.Text;
using CodeChat.Media.Sources;

namespace CodeChat.Media.Tests;

public sealed class MediaTypesTests
{
    [Fact]
    public void The_file_name_wins_then_the_declared_type_then_the_bytes()
    {
        var png = new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0 };
        Assert.Equal("application/pdf", MediaTypes.Detect("report.PDF", "image/png", png));
        Assert.Equal("image/gif", MediaTypes.Detect("noextension", "image/gif; charset=x", png));
        Assert.Equal("image/png", MediaTypes.Detect(null, "application/octet-stream", png));
        Assert.Equal("image/png", MediaTypes.Detect("weird.unknownext", null, png));
        Assert.Equal(MediaTypes.OctetStream, MediaTypes.Detect(null, null, [1, 2, 3]));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "image/jpeg")]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a' }, "image/gif")]
    [InlineData(new byte[] { (byte)'O', (byte)'g', (byte)'g', (byte)'S', 0 }, "audio/ogg")]
    [InlineData(new byte[] { (byte)'I', (byte)'D', (byte)'3', 4 }, "audio/mpeg")]
    [InlineData(new byte[] { (byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', (byte)'1' }, "application/pdf")]
    [InlineData(new byte[] { 0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m' }, "video/mp4")]
    [InlineData(new byte[] { 0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'M', (byte)'4', (byte)'A', (byte)' ' }, "audio/mp4")]
    public void Magic_bytes_name_the_type(byte[] head, string expected)
    {
        Assert.Equal(expected, MediaTypes.Sniff(head));
    }

    [Fact]
    public void Webp_is_told_from_wav_in_a_riff_container()
    {
        Assert.Equal("image/webp", MediaTypes.Sniff(Encoding.ASCII.GetBytes("RIFF\0\0\0\0WEBPVP8 ")));
        Assert.Equal("audio/wav", MediaTypes.Sniff(Encoding.ASCII.GetBytes("RIFF\0\0\0\0WAVEfmt ")));
    }
}
