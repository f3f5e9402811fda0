using System.Text.Json;
using System.Text.Json.Nodes;
using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Media;
using CodeChat.Media.Preparation;
using CodeChat.Media.Sources;
using CodeChat.WhatsApp.Crypto;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CodeChat.Api.Messages.Media;

/// <summary>
/// The media send routes (codechat-api.md §4.1, api-contract.md §2): <c>sendMedia</c> (an http(s) URL or
/// base64 / data: URL, v3's <c>urlOrBase64</c>), <c>sendMediaFile</c> (multipart, file field
/// <c>attachment</c>), <c>sendWhatsAppAudio</c> and <c>sendWhatsAppAudioFile</c> (voice notes, OGG/Opus).
/// Each reads and checks its body, then hands the media to <see cref="MediaMessageSender"/>.
/// </summary>
public static class MediaMessageEndpoints
{
    private const string JsonMediaType = "application/json";
    private const string MultipartMediaType = "multipart/form-data";
    private const string AttachmentField = "attachment";

    private static readonly string[] MediaKinds = ["image", "document", "video", "audio", "sticker"];

    public static IEndpointRouteBuilder MapMediaMessageEndpoints(this IEndpointRouteBuilder routes)
    {
        var limits = routes.ServiceProvider.GetRequiredService<IOptions<MediaOptions>>().Value;
        var sizeLimit = new MediaRequestSizeLimit(limits.LargestMaxBytes);
        var named = routes.MapGroup("/message").WithTags("Message")
            .AddEndpointFilter<InstanceAccessFilter>()
            .AddEndpointFilter<InstanceNameRouteFilter>();

        named.MapPost("/sendMedia/{instanceName}", SendMediaAsync)
            .WithName("sendMedia")
            .WithSummary("Send an image, video, document, audio file or sticker from an http(s) URL or base64 (data: URL or bare); images and videos get a thumbnail, documents need fileName; too large → 413; numbers[] instead of number starts a mailing of one upload; number status@broadcast posts an image, video or audio status to options.statusJidList[] (or options.allContacts: true)")
            .Accepts<SendMediaRequest>(JsonMediaType, UrlEncodedForm.MediaType)
            .WithMetadata(sizeLimit)
            .WithMetadata(new RequestBodyExample(
                """{"number":"5531987654321","options":{"delay":1200,"externalAttributes":{"crmId":42}},"mediaMessage":{"mediatype":"image","media":"https://example.com/photo.jpg","caption":"Our new store"}}"""))
            .WithSendResponses();

        named.MapPost("/sendMediaFile/{instanceName}", SendMediaFileAsync)
            .WithName("sendMediaFile")
            .WithSummary("Send an uploaded file (multipart: attachment, number, mediatype, caption, delay, presence, quotedMessageId, externalAttributes or options[...]); the document's name is the file's; numbers[0], numbers[1]… instead of number start a mailing; number status@broadcast with options[statusJidList][0]… (or options[allContacts]=true) posts an image, video or audio status")
            .Accepts<SendMediaFileForm>(MultipartMediaType)
            .WithMetadata(sizeLimit)
            .WithMetadata(new RequestBodyExample(
                """{"number":"5531987654321","mediatype":"document","caption":"November invoice","fileName":"invoice-2026-11.pdf","delay":"1200","presence":"composing","quotedMessageId":"42","externalAttributes":"order-1042"}"""))
            .WithSendResponses();

        named.MapPost("/sendWhatsAppAudio/{instanceName}", SendWhatsAppAudioAsync)
            .WithName("sendWhatsAppAudio")
            .WithSummary("Send a voice note (PTT) from an http(s) URL or base64; converted to OGG/Opus unless it is already (options.convertAudio: always); shows 'recording' during a delay; numbers[] instead of number starts a mailing; number status@broadcast posts it as a status to options.statusJidList[] (or options.allContacts: true)")
            .Accepts<SendWhatsAppAudioRequest>(JsonMediaType, UrlEncodedForm.MediaType)
            .WithMetadata(sizeLimit)
            .WithMetadata(new RequestBodyExample(
                """{"number":"5531987654321","options":{"delay":1500,"convertAudio":true},"audioMessage":{"audio":"https://example.com/voice.mp3"}}"""))
            .WithSendResponses();

        named.MapPost("/sendWhatsAppAudioFile/{instanceName}", SendWhatsAppAudioFileAsync)
            .WithName("sendWhatsAppAudioFile")
            .WithSummary("Send an uploaded voice note (multipart: attachment, number, delay, convertAudio, presence, quotedMessageId, externalAttributes or options[...]); converted to OGG/Opus unless it is already; numbers[0], numbers[1]… instead of number start a mailing; number status@broadcast with options[statusJidList][0]… (or options[allContacts]=true) posts it as a status")
            .Accepts<SendWhatsAppAudioFileForm>(MultipartMediaType)
            .WithMetadata(sizeLimit)
            .WithMetadata(new RequestBodyExample(
                """{"number":"5531987654321","delay":"1500","convertAudio":"true","presence":"recording","quotedMessageId":"42","externalAttributes":"order-1042"}"""))
            .WithSendResponses();

        return routes;
    }

    private static async Task<IResult> SendMediaAsync(
        string instanceName, HttpContext http, MediaMessageSender sender, MediaSourceReader reader, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);

        var failures = new List<ValidationFailure>();
        var recipients = ReadRecipients(body, failures);
        string? kindText = null, media = null, fileName = null, caption = null;
        if (!SendRequestValues.TryGetPresent(body, "mediaMessage", out var mediaMessage))
            failures.Add(JsonRequestBody.Missing("mediaMessage"));
        else if (mediaMessage.ValueKind != JsonValueKind.Object)
            failures.Add(new ValidationFailure("mediaMessage", "mediaMessage is not of a type(s) object"));
        else
        {
            // v3 spells them mediaType and urlOrBase64; 1.3 mediatype and media.
            kindText = RequiredString(mediaMessage, "mediaMessage", ["mediatype", "mediaType"], failures);
            media = RequiredString(mediaMessage, "mediaMessage", ["media", "urlOrBase64"], failures);
            fileName = OptionalString(mediaMessage, "mediaMessage.fileName", "fileName", failures);
            caption = OptionalString(mediaMessage, "mediaMessage.caption", "caption", failures);
        }
        var kind = ParseKind(kindText, "mediaMessage.mediatype", failures);
        var (options, optionFailure) = ReadOptions(body, failures);
        CheckStatus(recipients, kind, "mediaMessage.mediatype", options, failures);
        if (optionFailure is not null)
            return optionFailure;
        if (failures.Count > 0 || recipients is null || kind is null || media is null)
            return ApiErrors.Invalid([.. failures]);

        var request = new MediaRequest(kind.Value, "mediaMessage.media") { Caption = caption, FileName = fileName, FileNameField = "mediaMessage.fileName" };
        return await sender.SendAsync(instanceName, recipients, request, options,
            token => reader.ReadAsync(media, fileName, kind.Value, "mediaMessage.media", token), cancellationToken);
    }

    private static async Task<IResult> SendMediaFileAsync(
        string instanceName, HttpContext http, MediaMessageSender sender, IOptions<MediaOptions> limits, CancellationToken cancellationToken)
    {
        var (upload, failure) = await ReadMultipartAsync(http, limits.Value, cancellationToken);
        if (failure is not null)
            return failure;
        await using var _ = upload;

        var body = upload!.Body;
        var failures = new List<ValidationFailure>();
        var recipients = ReadRecipients(body, failures);
        var kind = ParseKind(RequiredString(body, "instance", ["mediatype", "mediaType"], failures), "mediatype", failures);
        var caption = OptionalString(body, "caption", "caption", failures);
        var fileName = OptionalString(body, "fileName", "fileName", failures) ?? upload.FileName;
        var (options, optionFailure) = ReadOptions(WithTopLevelOptions(body), failures);
        CheckStatus(recipients, kind, "mediatype", options, failures);
        if (optionFailure is not null)
            return optionFailure;
        if (upload.File is null)
            failures.Add(new ValidationFailure(AttachmentField, "Invalid File"));
        if (failures.Count > 0 || recipients is null || kind is null)
            return ApiErrors.Invalid([.. failures]);

        var request = new MediaRequest(kind.Value, AttachmentField) { Caption = caption, FileName = fileName, FileNameField = AttachmentField };
        return await sender.SendAsync(instanceName, recipients, request, options, _ => Task.FromResult(upload.File!), cancellationToken);
    }

    private static async Task<IResult> SendWhatsAppAudioAsync(
        string instanceName, HttpContext http, MediaMessageSender sender, MediaSourceReader reader, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);

        var failures = new List<ValidationFailure>();
        var recipients = ReadRecipients(body, failures);
        string? audio = null;
        if (!SendRequestValues.TryGetPresent(body, "audioMessage", out var audioMessage))
            failures.Add(JsonRequestBody.Missing("audioMessage"));
        else if (audioMessage.ValueKind != JsonValueKind.Object)
            failures.Add(new ValidationFailure("audioMessage", "audioMessage is not of a type(s) object"));
        else
            audio = RequiredString(audioMessage, "audioMessage", ["audio"], failures);
        var convert = ReadConvertAudio(body, failures);
        var (options, optionFailure) = ReadOptions(body, failures);
        CheckStatus(recipients, MediaType.Ptt, "audioMessage", options, failures);
        if (optionFailure is not null)
            return optionFailure;
        if (failures.Count > 0 || recipients is null || audio is null)
            return ApiErrors.Invalid([.. failures]);

        var request = new MediaRequest(MediaType.Ptt, "audioMessage.audio") { ConvertAudio = convert };
        return await sender.SendAsync(instanceName, recipients, request, Recording(options),
            token => reader.ReadAsync(audio, null, MediaType.Ptt, "audioMessage.audio", token), cancellationToken);
    }

    private static async Task<IResult> SendWhatsAppAudioFileAsync(
        string instanceName, HttpContext http, MediaMessageSender sender, IOptions<MediaOptions> limits, CancellationToken cancellationToken)
    {
        var (upload, failure) = await ReadMultipartAsync(http, limits.Value, cancellationToken);
        if (failure is not null)
            return failure;
        await using var _ = upload;

        var body = WithTopLevelOptions(upload!.Body);
        var failures = new List<ValidationFailure>();
        var recipients = ReadRecipients(body, failures);
        var convert = ReadConvertAudio(body, failures);
        var (options, optionFailure) = ReadOptions(body, failures);
        CheckStatus(recipients, MediaType.Ptt, "audioMessage", options, failures);
        if (optionFailure is not null)
            return optionFailure;
        if (upload.File is null)
            failures.Add(new ValidationFailure(AttachmentField, "Invalid File"));
        if (failures.Count > 0 || recipients is null)
            return ApiErrors.Invalid([.. failures]);

        var request = new MediaRequest(MediaType.Ptt, AttachmentField) { ConvertAudio = convert };
        return await sender.SendAsync(instanceName, recipients, request, Recording(options), _ => Task.FromResult(upload.File!), cancellationToken);
    }

    /// <summary>
    /// <c>number</c>, or a mailing's <c>numbers</c> (a JSON array, or <c>numbers[0]</c>, <c>numbers[1]</c>…
    /// / repeated <c>numbers</c> fields in a form); null with the failures added when neither is usable.
    /// </summary>
    private static MediaRecipients? ReadRecipients(JsonElement body, List<ValidationFailure> failures)
    {
        var before = failures.Count;
        if (MessageEndpoints.ReadNumber(body, failures, statusAllowed: true) is { } number)
            return MediaRecipients.One(number);
        if (failures.Count > before || !SendRequestValues.TryGetPresent(body, "numbers", out var numbersElement))
            return null;
        var numbers = SendQueueEndpoints.ReadNumbers(numbersElement, failures);
        return failures.Count > before ? null : MediaRecipients.Mailing(numbers);
    }

    private static async Task<(MultipartMedia? Upload, IResult? Failure)> ReadMultipartAsync(HttpContext http, MediaOptions limits, CancellationToken cancellationToken)
    {
        // The kind is known only once every field is read; the stream is capped at the largest kind's
        // limit and the preparation applies the kind's own.
        try
        {
            var (upload, failure) = await MultipartMediaReader.ReadAsync(http.Request, AttachmentField, limits.LargestMaxBytes, cancellationToken);
            return failure is not null ? (null, ApiErrors.Invalid(failure)) : (upload, null);
        }
        catch (MediaTooLargeException tooLarge)
        {
            return (null, ApiErrors.Of(StatusCodes.Status413PayloadTooLarge, new ValidationFailure(tooLarge.Field, tooLarge.Message)));
        }
    }

    /// <summary>
    /// The status rules (<see cref="StatusPostOptions.Check"/>) for a media send: a status post is an
    /// image, a video or audio, never a document or a sticker.
    /// </summary>
    private static void CheckStatus(MediaRecipients? recipients, MediaType? kind, string kindField, SendOptions options, List<ValidationFailure> failures)
    {
        if (recipients is null)
            return;
        StatusPostOptions.Check(recipients.Number, isText: false, options, failures);
        if (StatusPostOptions.IsStatus(recipients.Number) && kind is MediaType.Document or MediaType.Sticker)
            failures.Add(new ValidationFailure(kindField, "A status post is an image, a video or audio"));
    }

    /// <summary>
    /// The options, and the answer to give at once when <c>externalAttributes</c> is over its limit (413);
    /// other bad options are added to <paramref name="failures"/>.
    /// </summary>
    private static (SendOptions Options, IResult? TooLarge) ReadOptions(JsonElement body, List<ValidationFailure> failures)
    {
        var (options, optionFailures, tooLarge) = SendOptionsReader.Read(body);
        failures.AddRange(optionFailures);
        return tooLarge
            ? (options, ApiErrors.Of(StatusCodes.Status413PayloadTooLarge,
                new ValidationFailure("options.externalAttributes", $"externalAttributes must be at most {SendOptionsReader.MaxExternalAttributesBytes} bytes of JSON")))
            : (options, null);
    }

    /// <summary>
    /// 1.3 documents <c>delay</c>, <c>presence</c>, <c>quotedMessageId</c> and <c>externalAttributes</c> at the
    /// top of its multipart forms but read only <c>options[...]</c>; both are honoured here
    /// (<c>options[...]</c> wins).
    /// </summary>
    private static JsonElement WithTopLevelOptions(JsonElement body)
    {
        var root = JsonNode.Parse(body.GetRawText())!.AsObject();
        var options = root["options"] as JsonObject ?? [];
        foreach (var name in new[] { "delay", "presence", "quotedMessageId", "externalAttributes", "convertAudio" })
        {
            if (root[name] is { } value && !options.ContainsKey(name))
                options[name] = value.DeepClone();
        }
        if (options.Count > 0)
            root["options"] = options.DeepClone();
        using var document = JsonDocument.Parse(root.ToJsonString());
        return document.RootElement.Clone();
    }

    private static bool ReadConvertAudio(JsonElement body, List<ValidationFailure> failures)
    {
        if (!SendRequestValues.TryGetPresent(body, "options", out var options) || options.ValueKind != JsonValueKind.Object
            || !SendRequestValues.TryGetPresent(options, "convertAudio", out var value))
            return false;
        if (SendRequestValues.TryGetBool(value, out var convert))
            return convert;
        failures.Add(JsonRequestBody.NotABoolean("options.convertAudio"));
        return false;
    }

    // 1.3 shows "recording" while a voice note waits for its delay; an explicit presence still wins.
    private static SendOptions Recording(SendOptions options) => options with { Presence = options.Presence ?? "recording" };

    private static MediaType? ParseKind(string? text, string property, List<ValidationFailure> failures)
    {
        switch (text)
        {
            case null:
                return null;
            case "image": return MediaType.Image;
            case "video": return MediaType.Video;
            case "audio": return MediaType.Audio;
            case "document": return MediaType.Document;
            case "sticker": return MediaType.Sticker;
            default:
                failures.Add(new ValidationFailure(property, $"{property} is not one of enum values: {string.Join(",", MediaKinds)}"));
                return null;
        }
    }

    /// <summary>The first of <paramref name="names"/> present in <paramref name="owner"/> as a non-empty string; else a failure in 1.3's words.</summary>
    private static string? RequiredString(JsonElement owner, string ownerName, string[] names, List<ValidationFailure> failures)
    {
        foreach (var name in names)
        {
            if (!SendRequestValues.TryGetPresent(owner, name, out var element))
                continue;
            var property = ownerName == "instance" ? name : $"{ownerName}.{name}";
            if (!JsonRequestBody.TryGetString(element, out var text))
                failures.Add(JsonRequestBody.NotAString(property));
            else if (text.Length == 0)
                failures.Add(new ValidationFailure(property, $"{property} does not meet minimum length of 1"));
            else
                return text;
            return null;
        }
        failures.Add(new ValidationFailure(ownerName, $"{ownerName} requires property \"{names[0]}\""));
        return null;
    }

    private static string? OptionalString(JsonElement owner, string property, string name, List<ValidationFailure> failures)
    {
        if (!SendRequestValues.TryGetPresent(owner, name, out var element))
            return null;
        if (JsonRequestBody.TryGetString(element, out var text))
            return text.Length == 0 ? null : text;
        failures.Add(JsonRequestBody.NotAString(property));
        return null;
    }
}

/// <summary>The body of <c>POST /message/sendMedia</c> (for Swagger; the route reads JSON or a form by hand).</summary>
public sealed record SendMediaRequest(string Number, SendMediaContent MediaMessage, JsonElement? Options);

/// <summary>The media of <see cref="SendMediaRequest"/>: <c>media</c> is an http(s) URL, a data: URL or base64.</summary>
public sealed record SendMediaContent(string Mediatype, string Media, string? FileName, string? Caption);

/// <summary>The body of <c>POST /message/sendWhatsAppAudio</c>.</summary>
public sealed record SendWhatsAppAudioRequest(string Number, SendWhatsAppAudioContent AudioMessage, JsonElement? Options);

/// <summary>The voice note of <see cref="SendWhatsAppAudioRequest"/>: an http(s) URL, a data: URL or base64.</summary>
public sealed record SendWhatsAppAudioContent(string Audio);

/// <summary>The multipart form of <c>POST /message/sendMediaFile</c> (for Swagger).</summary>
public sealed record SendMediaFileForm(IFormFile Attachment, string Number, string Mediatype, string? Caption, string? FileName, string? Delay, string? Presence, string? QuotedMessageId, string? ExternalAttributes);

/// <summary>The multipart form of <c>POST /message/sendWhatsAppAudioFile</c> (for Swagger).</summary>
public sealed record SendWhatsAppAudioFileForm(
    IFormFile Attachment, string Number, string? Delay, string? ConvertAudio, string? Presence, string? QuotedMessageId, string? ExternalAttributes);
