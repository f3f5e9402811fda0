using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Media;

namespace CodeChat.Media.Tests;

public sealed class MediaMessageBuilderTests
{
    private static readonly UploadedMedia Upload = new(
        "https://mmg.whatsapp.net/v/t62/abc?ccb=1", "/v/t62/abc?ccb=1",
        [.. Enumerable.Range(1, 32).Select(i => (byte)i)], [.. Enumerable.Repeat((byte)7, 32)], [.. Enumerable.Repeat((byte)9, 32)], 12345);

    private static readonly DateTimeOffset UploadedAt = DateTimeOffset.FromUnixTimeSeconds(1_764_763_200);

    [Fact]
    public void An_image_message_carries_the_upload_and_its_facts()
    {
        var message = MediaMessageBuilder.Build(Upload, new MediaMessageDetails(MediaType.Image, "image/jpeg")
        {
            Caption = "look", Width = 800, Height = 400, JpegThumbnail = [0xFF, 0xD8],
        }, UploadedAt);

        var image = message.ImageMessage;
        Assert.Equal((Upload.Url, Upload.DirectPath, "image/jpeg", "look"), (image.URL, image.DirectPath, image.Mimetype, image.Caption));
        Assert.Equal(Upload.MediaKey, image.MediaKey.ToByteArray());
        Assert.Equal(Upload.FileSha256, image.FileSHA256.ToByteArray());
        Assert.Equal(Upload.FileEncSha256, image.FileEncSHA256.ToByteArray());
        Assert.Equal((12345UL, 800U, 400U, 1_764_763_200L), (image.FileLength, image.Width, image.Height, image.MediaKeyTimestamp));
        Assert.Equal([0xFF, 0xD8], image.JPEGThumbnail.ToByteArray());
    }

    [Fact]
    public void A_voice_note_is_a_ptt_audio_message_with_seconds_and_waveform()
    {
        var message = MediaMessageBuilder.Build(Upload, new MediaMessageDetails(MediaType.Ptt, "audio/ogg; codecs=opus")
        {
            Seconds = 3, Waveform = [0, 50, 100],
        }, UploadedAt);

        var audio = message.AudioMessage;
        Assert.True(audio.PTT);
        Assert.Equal(("audio/ogg; codecs=opus", 3U), (audio.Mimetype, audio.Seconds));
        Assert.Equal([0, 50, 100], audio.Waveform.ToByteArray());
        Assert.False(MediaMessageBuilder.Build(Upload, new MediaMessageDetails(MediaType.Audio, "audio/mpeg"), UploadedAt).AudioMessage.PTT);
    }

    [Fact]
    public void A_document_carries_its_file_name_as_name_and_title_and_its_caption()
    {
        var document = MediaMessageBuilder.Build(Upload, new MediaMessageDetails(MediaType.Document, "application/pdf")
        {
            FileName = "report.pdf", Caption = "Q3",
        }, UploadedAt).DocumentMessage;

        Assert.Equal(("report.pdf", "report.pdf", "Q3", "application/pdf"), (document.FileName, document.Title, document.Caption, document.Mimetype));
        Assert.Equal(12345UL, document.FileLength);
    }

    [Fact]
    public void Video_and_sticker_messages_carry_their_facts()
    {
        var video = MediaMessageBuilder.Build(Upload, new MediaMessageDetails(MediaType.Video, "video/mp4")
        {
            Seconds = 2, Width = 640, Height = 360, Caption = "clip",
        }, UploadedAt).VideoMessage;
        Assert.Equal((2U, 640U, 360U, "clip"), (video.Seconds, video.Width, video.Height, video.Caption));

        var sticker = MediaMessageBuilder.Build(Upload, new MediaMessageDetails(MediaType.Sticker, "image/webp") { Width = 512, Height = 512 }, UploadedAt).StickerMessage;
        Assert.Equal(("image/webp", 512U, 512U, false), (sticker.Mimetype, sticker.Width, sticker.Height, sticker.IsAnimated));
        Assert.Equal(Upload.DirectPath, sticker.DirectPath);
    }

    [Fact]
    public void Kinds_that_are_not_messages_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MediaMessageBuilder.Build(Upload, new MediaMessageDetails(MediaType.History, "x/y"), UploadedAt));
    }
}
