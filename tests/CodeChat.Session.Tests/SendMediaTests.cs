using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Media;
using CodeChat.Media.Preparation;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Media;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace CodeChat.Session.Tests;

/// <summary>
/// The media send routes through the real HTTP pipeline, the silo, PostgreSQL and the emulator's media
/// host, with Baileys 7 as the receiver: Baileys downloads and decrypts every file with its own code,
/// and the bytes it gets are compared with what was sent.
/// </summary>
public sealed class SendMediaTests(MediaSendFixture fixture) : IClassFixture<MediaSendFixture>
{
    private static readonly TimeSpan Patience = SendingInstance.Patience;

    private SendingInstance Instance => fixture.Instance;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_image_from_an_allowed_url_arrives_byte_identical_with_its_size_a_thumbnail_and_send_message_events()
    {
        var image = Image(1024, 768, SKEncodedImageFormat.Jpeg);
        var url = fixture.Files.Add($"photos/{Guid.NewGuid():N}.jpg", image, "image/jpeg");
        var caption = "store " + Guid.NewGuid().ToString("N")[..8];

        var (status, body) = await Instance.PostAsync("/message/sendMedia", new
        {
            number = fixture.BobAccount.Phone,
            mediaMessage = new { mediatype = "image", media = url, caption },
        });

        Assert.Equal(201, status);
        Assert.Equal("imageMessage", body.GetProperty("messageType").GetString());
        var keyId = body.GetProperty("keyId").GetString()!;
        var content = body.GetProperty("content");
        Assert.Equal(caption, content.GetProperty("caption").GetString());
        Assert.Equal("image/jpeg", content.GetProperty("mimetype").GetString());

        var received = await fixture.Bob.WaitForMessageAsync(e => e["id"]?.GetValue<string>() == keyId, Patience, Ct);
        var media = Downloaded(received, "imageMessage", image);
        Assert.Equal(caption, media["caption"]!.GetValue<string>());
        var imageMessage = received["content"]!["imageMessage"]!;
        Assert.Equal(1024, imageMessage["width"]!.GetValue<int>());
        Assert.Equal(768, imageMessage["height"]!.GetValue<int>());
        using var thumbnail = SKBitmap.Decode(Buffer(imageMessage["jpegThumbnail"]));
        Assert.Equal((320, 240), (thumbnail.Width, thumbnail.Height));

        var completed = await Instance.WaitForEventAsync(InstanceEventNames.SendMessageCompleted, d =>
            d.GetProperty("queue").GetProperty("data").GetProperty("messageIds")[0].GetString() == keyId);
        var queueId = completed.GetProperty("queue").GetProperty("queueId").GetString();
        Assert.Equal(100, completed.GetProperty("queue").GetProperty("progress").GetInt32());
        Assert.Equal("imageMessage", completed.GetProperty("queue").GetProperty("data").GetProperty("message").GetProperty("messageType").GetString());
        var started = await Instance.WaitForEventAsync(InstanceEventNames.SendMessageStart, d => d.GetProperty("queue").GetProperty("queueId").GetString() == queueId);
        Assert.Equal("STARTED", started.GetProperty("queue").GetProperty("status").GetString());
        await Instance.WaitForEventAsync(InstanceEventNames.SendMessageProcessing, d =>
            d.GetProperty("queue").GetProperty("queueId").GetString() == queueId && d.GetProperty("queue").GetProperty("progress").GetInt32() == 75);
    }

    [Fact]
    public async Task A_base64_image_arrives_byte_identical()
    {
        var image = Image(300, 500, SKEncodedImageFormat.Png);

        var (status, body) = await Instance.PostAsync("/message/sendMedia", new
        {
            number = fixture.BobAccount.Phone,
            mediaMessage = new { mediatype = "image", media = Convert.ToBase64String(image) },
        });

        Assert.Equal(201, status);
        var received = await fixture.Bob.WaitForMessageAsync(e => e["id"]?.GetValue<string>() == body.GetProperty("keyId").GetString(), Patience, Ct);
        var media = Downloaded(received, "imageMessage", image);
        Assert.Equal("image/png", media["mimetype"]!.GetValue<string>());
        Assert.Equal(500, received["content"]!["imageMessage"]!["height"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_document_sent_as_multipart_arrives_with_its_file_name_caption_and_bytes()
    {
        var document = "%PDF-1.4\n"u8.ToArray().Concat(RandomNumberGenerator.GetBytes(700_001)).ToArray();
        var (status, body) = await PostMultipartAsync("/message/sendMediaFile", document, "Quarterly report.pdf", "application/octet-stream",
            ("number", fixture.BobAccount.Phone), ("mediatype", "document"), ("caption", "Q3"), ("options[externalAttributes]", "crm-7"));

        Assert.True(status == 201, body.ToString());
        Assert.Equal("documentMessage", body.GetProperty("messageType").GetString());
        Assert.Equal("crm-7", body.GetProperty("externalAttributes").GetString());
        var received = await fixture.Bob.WaitForMessageAsync(e => e["id"]?.GetValue<string>() == body.GetProperty("keyId").GetString(), Patience, Ct);
        var media = Downloaded(received, "documentMessage", document);
        Assert.Equal("application/pdf", media["mimetype"]!.GetValue<string>());
        Assert.Equal("Q3", media["caption"]!.GetValue<string>());
        Assert.Equal("Quarterly report.pdf", received["content"]!["documentMessage"]!["fileName"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_wav_voice_note_arrives_as_ptt_ogg_opus_that_ffprobe_reads()
    {
        var wav = await ToneWavAsync(seconds: 2);
        var (status, body) = await PostMultipartAsync("/message/sendWhatsAppAudioFile", wav, "note.wav", "audio/wav",
            ("number", fixture.BobAccount.Phone));

        Assert.Equal(201, status);
        Assert.Equal("audioMessage", body.GetProperty("messageType").GetString());
        var received = await fixture.Bob.WaitForMessageAsync(e => e["id"]?.GetValue<string>() == body.GetProperty("keyId").GetString(), Patience, Ct);
        var audio = received["content"]!["audioMessage"]!;
        Assert.True(audio["ptt"]!.GetValue<bool>());
        Assert.Equal("audio/ogg; codecs=opus", audio["mimetype"]!.GetValue<string>());
        Assert.Equal(2, audio["seconds"]!.GetValue<int>());
        Assert.Equal(64, Buffer(audio["waveform"]).Length);

        // What Baileys decrypted is the OGG/Opus file on the media host: decrypt it here and let ffprobe read it.
        var media = received["media"]!;
        Assert.Null(media["downloadError"]);
        var stored = fixture.Emulator.Emulator.Media.Find(media["directPath"]!.GetValue<string>())!;
        using var ogg = new MemoryStream();
        await MediaStreamCipher.DecryptAsync(new MemoryStream(stored.Body), ogg, Convert.FromBase64String(media["mediaKey"]!.GetValue<string>()),
            MediaType.Audio, default, default, Ct);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(ogg.ToArray())), media["downloadedSha256"]!.GetValue<string>());
        var path = Path.Combine(Path.GetTempPath(), $"codechat-test-{Guid.NewGuid():N}.ogg");
        try
        {
            await File.WriteAllBytesAsync(path, ogg.ToArray(), Ct);
            var facts = await new FfmpegTools(Options.Create(new MediaOptions())).ProbeAsync(path, Ct);
            Assert.NotNull(facts);
            Assert.Equal(("ogg", "opus"), (facts.FormatName, facts.AudioCodec));
            Assert.InRange(facts.Duration.TotalSeconds, 1.9, 2.1);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_file_over_its_kinds_limit_is_413_naming_the_field_and_nothing_is_sent()
    {
        var sentBefore = Instance.MessagesSentByInstance();
        var tooLarge = RandomNumberGenerator.GetBytes((int)MediaSendFixture.ImageLimit + 1);

        var (status, body) = await PostMultipartAsync("/message/sendMediaFile", tooLarge, "huge.jpg", "image/jpeg",
            ("number", fixture.BobAccount.Phone), ("mediatype", "image"));

        Assert.Equal(413, status);
        Assert.Equal(413, body.GetProperty("status").GetInt32());
        Assert.Equal("attachment", body.GetProperty("message")[0].GetProperty("property").GetString());
        Assert.Equal(sentBefore, Instance.MessagesSentByInstance());
    }

    [Theory]
    [InlineData("internal")]
    [InlineData("private")]
    [InlineData("metadata")]
    public async Task A_url_to_an_address_off_the_allow_list_is_400_naming_the_field_and_nothing_is_fetched_or_sent(string target)
    {
        var url = target switch
        {
            "internal" => fixture.Internal.Add("secret.jpg", Image(10, 10, SKEncodedImageFormat.Jpeg), "image/jpeg"),
            "private" => "http://10.20.30.40/photo.jpg",
            _ => "http://169.254.169.254/latest/meta-data/",
        };
        var sentBefore = Instance.MessagesSentByInstance();
        var requestsBefore = fixture.Internal.Requests;

        var (status, body) = await Instance.PostAsync("/message/sendMedia", new
        {
            number = fixture.BobAccount.Phone,
            mediaMessage = new { mediatype = "image", media = url },
        });

        Assert.Equal(400, status);
        var failure = body.GetProperty("message")[0];
        Assert.Equal("mediaMessage.media", failure.GetProperty("property").GetString());
        Assert.Contains("may not be fetched", failure.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(requestsBefore, fixture.Internal.Requests);
        Assert.Equal(sentBefore, Instance.MessagesSentByInstance());
    }

    [Fact]
    public async Task Bad_media_input_is_400_naming_the_field()
    {
        var sentBefore = Instance.MessagesSentByInstance();
        var cases = new (object Body, string Property)[]
        {
            (new { number = fixture.BobAccount.Phone, mediaMessage = new { mediatype = "document", media = Convert.ToBase64String("%PDF-1.4"u8) } }, "mediaMessage.fileName"),
            (new { number = fixture.BobAccount.Phone, mediaMessage = new { mediatype = "gif", media = "https://example.com/a.gif" } }, "mediaMessage.mediatype"),
            (new { number = fixture.BobAccount.Phone, mediaMessage = new { mediatype = "image", media = "not a url nor base64!" } }, "mediaMessage.media"),
            (new { number = fixture.BobAccount.Phone, mediaMessage = new { mediatype = "image" } }, "mediaMessage"),
            (new { number = fixture.BobAccount.Phone, audioMessage = new { audio = "ftp://example.com/a.mp3" } }, "audioMessage.audio"),
        };
        foreach (var (request, property) in cases)
        {
            var route = property.StartsWith("audio", StringComparison.Ordinal) ? "/message/sendWhatsAppAudio" : "/message/sendMedia";
            var (status, body) = await Instance.PostAsync(route, request);
            Assert.Equal(400, status);
            Assert.Equal(property, body.GetProperty("message")[0].GetProperty("property").GetString());
        }

        var (missingFile, error) = await PostMultipartAsync("/message/sendMediaFile", null, null, null, ("number", fixture.BobAccount.Phone), ("mediatype", "image"));
        Assert.Equal(400, missingFile);
        Assert.Equal("Invalid File", error.GetProperty("message")[0].GetProperty("message").GetString());
        Assert.Equal(sentBefore, Instance.MessagesSentByInstance());
    }

    [Fact]
    public async Task An_image_mailing_fetches_and_uploads_once_and_every_recipient_gets_it()
    {
        var image = Image(640, 480, SKEncodedImageFormat.Jpeg);
        var url = fixture.Files.Add($"mailing/{Guid.NewGuid():N}.jpg", image, "image/jpeg");
        var phones = new[] { fixture.Emulator.Emulator.CreateAccount(), fixture.Emulator.Emulator.CreateAccount() };
        var recipients = phones.Select(p => p.Phone).Prepend(fixture.BobAccount.Phone).ToList();
        var fetchesBefore = fixture.Files.Requests;

        var (status, body) = await Instance.PostAsync("/message/sendMedia", new
        {
            numbers = recipients,
            options = new { delay = 100 },
            mediaMessage = new { mediatype = "image", media = url, caption = "for everyone" },
        });

        Assert.True(status == 201, body.ToString());
        var queueId = body.GetProperty("queue").GetProperty("queueId").GetString()!;
        Assert.Equal("imageMessage", body.GetProperty("data").GetProperty("message").GetProperty("messageType").GetString());
        var ids = body.GetProperty("data").GetProperty("messagesIds").EnumerateArray().Select(j => j.GetString()!).ToList();
        Assert.Equal(3, ids.Distinct().Count());
        // The file was fetched (and so prepared and uploaded) once, before the answer.
        Assert.Equal(fetchesBefore + 1, fixture.Files.Requests);

        var events = await Mailings.WaitForAsync(Instance, queueId, InstanceEventNames.SendMessageCompleted);
        Assert.Equal(InstanceEventNames.SendMessageStart, events[0].Event);
        Assert.Equal(ids, events.Where(e => e.Event == InstanceEventNames.SendMessageProcessing)
            .Select(e => e.Data.GetProperty("queue").GetProperty("messageId").GetString()));
        var received = await fixture.Bob.WaitForMessageAsync(e => e["id"]?.GetValue<string>() == ids[0], Patience, Ct);
        Assert.Equal("for everyone", Downloaded(received, "imageMessage", image)["caption"]!.GetValue<string>());
        for (var i = 0; i < phones.Length; i++)
        {
            var copy = Assert.Single(Mailings.CopiesFrom(phones[i], Instance));
            Assert.Equal(ids[i + 1], copy.Id);
            Assert.Null(copy.Rejection);
        }
        Assert.Equal(fetchesBefore + 1, fixture.Files.Requests);
    }

    [Fact]
    public async Task A_multipart_voice_note_mailing_takes_form_indexed_numbers()
    {
        var wav = await ToneWavAsync(seconds: 1);
        var phones = new[] { fixture.Emulator.Emulator.CreateAccount(), fixture.Emulator.Emulator.CreateAccount() };

        var (status, body) = await PostMultipartAsync("/message/sendWhatsAppAudioFile", wav, "note.wav", "audio/wav",
            ("numbers[0]", fixture.BobAccount.Phone), ("numbers[1]", phones[0].Phone), ("numbers[2]", phones[1].Phone));

        Assert.True(status == 201, body.ToString());
        Assert.Equal("audioMessage", body.GetProperty("data").GetProperty("message").GetProperty("messageType").GetString());
        Assert.Equal(
            [fixture.BobAccount.PnJid, phones[0].PnJid, phones[1].PnJid],
            body.GetProperty("data").GetProperty("jids").EnumerateArray().Select(j => j.GetString()));
        var ids = body.GetProperty("data").GetProperty("messagesIds").EnumerateArray().Select(j => j.GetString()!).ToList();
        await Mailings.WaitForAsync(Instance, body.GetProperty("queue").GetProperty("queueId").GetString()!, InstanceEventNames.SendMessageCompleted);
        var received = await fixture.Bob.WaitForMessageAsync(e => e["id"]?.GetValue<string>() == ids[0], Patience, Ct);
        Assert.True(received["content"]!["audioMessage"]!["ptt"]!.GetValue<bool>());
        Assert.Equal(ids[1], Assert.Single(Mailings.CopiesFrom(phones[0], Instance)).Id);
        Assert.Equal(ids[2], Assert.Single(Mailings.CopiesFrom(phones[1], Instance)).Id);
    }

    [Fact]
    public async Task A_media_mailing_with_bad_numbers_too_many_numbers_or_a_message_id_is_400_before_anything_is_fetched()
    {
        var url = fixture.Files.Add($"mailing/{Guid.NewGuid():N}.jpg", Image(64, 64, SKEncodedImageFormat.Jpeg), "image/jpeg");
        var fetchesBefore = fixture.Files.Requests;
        var sentBefore = Instance.MessagesSentByInstance();
        var media = new { mediatype = "image", media = url };

        var (status, body) = await Instance.PostAsync("/message/sendMedia", new { numbers = new object[] { fixture.BobAccount.Phone, "abc" }, mediaMessage = media });
        Assert.Equal(400, status);
        Assert.Equal("numbers[1]", body.GetProperty("message")[0].GetProperty("property").GetString());
        (status, body) = await Instance.PostAsync("/message/sendMedia", new { numbers = new[] { fixture.BobAccount.Phone }, mediaMessage = media, options = new { messageId = "FIXEDMEDIA1" } });
        Assert.Equal(400, status);
        Assert.Equal("options.messageId", body.GetProperty("message")[0].GetProperty("property").GetString());
        (status, body) = await Instance.PostAsync("/message/sendMedia", new { number = fixture.BobAccount.Phone, numbers = new[] { fixture.BobAccount.Phone }, mediaMessage = media });
        Assert.Equal(400, status);
        Assert.Equal("numbers", body.GetProperty("message")[0].GetProperty("property").GetString());

        // More numbers than SendQueues:MaxRecipients (1,000 by default): refused before the upload, not after it.
        var tooMany = Enumerable.Range(0, 1001).Select(i => $"5531{i:D9}").ToArray();
        (status, body) = await Instance.PostAsync("/message/sendMedia", new { numbers = tooMany, mediaMessage = media });
        Assert.Equal(400, status);
        Assert.Equal("numbers", body.GetProperty("message")[0].GetProperty("property").GetString());
        Assert.Contains("at most 1000", body.GetProperty("message")[0].GetProperty("message").GetString(), StringComparison.Ordinal);

        // Past qs' array limit of 20 a form's numbers[i] become an object; they are still read in index order.
        var fields = Enumerable.Range(0, 25).Select(i => ($"numbers[{i}]", i == 24 ? "abc" : $"55319{i:D8}")).ToArray();
        (status, body) = await PostMultipartAsync("/message/sendMediaFile", [1, 2, 3], "a.pdf", "application/pdf", [.. fields, ("mediatype", "document")]);
        Assert.Equal(400, status);
        Assert.Equal("numbers[24]", body.GetProperty("message")[0].GetProperty("property").GetString());

        Assert.Equal(fetchesBefore, fixture.Files.Requests);
        Assert.Equal(sentBefore, Instance.MessagesSentByInstance());
    }

    [Fact]
    public async Task A_link_arrives_with_its_preview_title_description_and_thumbnail()
    {
        var link = fixture.Files.Add($"news/{Guid.NewGuid():N}", "<html><head><meta property=\"og:description\" content=\"What changed\"></head></html>"u8.ToArray(), "text/html");
        var thumbnailUrl = fixture.Files.Add($"news/{Guid.NewGuid():N}.png", Image(800, 400, SKEncodedImageFormat.Png), "image/png");

        var (status, body) = await Instance.PostAsync("/message/sendLink", new
        {
            number = fixture.BobAccount.Phone,
            linkMessage = new { link, text = "Have a look", title = "Our news", thumbnailUrl },
        });

        Assert.Equal(201, status);
        var received = await fixture.Bob.WaitForMessageAsync(e => e["id"]?.GetValue<string>() == body.GetProperty("keyId").GetString(), Patience, Ct);
        var preview = received["content"]!["extendedTextMessage"]!;
        Assert.Equal($"{link}\n\nHave a look", preview["text"]!.GetValue<string>());
        Assert.Equal(link, preview["matchedText"]!.GetValue<string>());
        Assert.Equal("Our news", preview["title"]!.GetValue<string>());
        Assert.Equal("What changed", preview["description"]!.GetValue<string>());
        using var thumbnail = SKBitmap.Decode(Buffer(preview["jpegThumbnail"]));
        Assert.Equal((320, 160), (thumbnail.Width, thumbnail.Height));
    }

    private static JsonNode Downloaded(JsonObject received, string kind, byte[] sent)
    {
        var media = received["media"]!;
        Assert.Equal(kind, media["kind"]!.GetValue<string>());
        Assert.Null(media["downloadError"]?.GetValue<string>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(sent)), media["downloadedSha256"]!.GetValue<string>());
        Assert.Equal(sent.Length, media["downloadedLength"]!.GetValue<int>());
        return media;
    }

    // The driver's content is Baileys' message through JSON.stringify with BufferJSON: decoded protobuf
    // bytes arrive as base64 strings.
    private static byte[] Buffer(JsonNode? node)
    {
        Assert.NotNull(node);
        return Convert.FromBase64String(node.GetValue<string>());
    }

    private async Task<(int Status, JsonElement Body)> PostMultipartAsync(
        string route, byte[]? file, string? fileName, string? contentType, params (string Name, string Value)[] fields)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
            form.Add(new StringContent(value), name);
        if (file is not null)
        {
            var part = new ByteArrayContent(file);
            part.Headers.ContentType = new MediaTypeHeaderValue(contentType!);
            form.Add(part, "attachment", fileName!);
        }
        using var response = await Instance.Host.Http.PostAsync($"{route}/{Uri.EscapeDataString(Instance.Name)}", form, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return ((int)response.StatusCode, document.RootElement.Clone());
    }

    private static byte[] Image(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.DarkOliveGreen);
            using var paint = new SKPaint { Color = SKColors.Gold };
            canvas.DrawRect(width / 4f, height / 4f, width / 2f, height / 2f, paint);
        }
        using var encoded = SKImage.FromBitmap(bitmap).Encode(format, 90);
        return encoded.ToArray();
    }

    // A WAV tone made by ffmpeg's own signal generator.
    private static async Task<byte[]> ToneWavAsync(int seconds)
    {
        var path = Path.Combine(Path.GetTempPath(), $"codechat-test-{Guid.NewGuid():N}.wav");
        try
        {
            var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", $"sine=frequency=330:duration={seconds}", "-ac", "1", "-y", path })
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);
            Assert.True(process.ExitCode == 0, await errors);
            return await File.ReadAllBytesAsync(path, Ct);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
