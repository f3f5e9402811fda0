using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.Json;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Chats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Chats;

/// <summary>
/// The <c>/chat</c> routes that act on received messages (codechat-api.md §5): mark them read
/// (<c>markMessageAsRead</c>, <c>readMessages</c>) and fetch their media on demand (<c>mediaData</c>,
/// <c>retrieverMediaMessage</c>, and <c>base64MediaMessage</c>, the route the seed names for media
/// over 8 MB). CodeChat 1.3's bugs are not copied: 1:1 chats are marked read too, and
/// <c>readMessages</c> reads its <c>ids</c> and touches this instance's messages only.
/// </summary>
public static class ChatReceiveEndpoints
{
    private const string ReadAnswer = """{"message":"Read messages","read":"success"}""";
    private const string SelectorExample = """{"keyId":"3EB0C767D82B6A2F1E4B"}""";

    public static IEndpointRouteBuilder MapChatReceiveEndpoints(this IEndpointRouteBuilder routes)
    {
        var chat = routes.MapGroup("/chat").WithTags("Chat")
            .AddEndpointFilter<InstanceAccessFilter>()
            .AddEndpointFilter<InstanceNameRouteFilter>();

        chat.MapPut("/markMessageAsRead/{instanceName}", MarkMessageAsReadAsync)
            .WithName("markMessageAsRead")
            .WithSummary("Send read receipts for received messages (by WhatsApp key) and mark them READ; 1:1 chats and groups alike")
            .Accepts<object>("application/json")
            .WithMetadata(new RequestBodyExample("""{"readMessages":[{"id":"3EB0C767D82B6A2F1E4B","fromMe":false,"remoteJid":"5531912345678@s.whatsapp.net"}]}"""))
            .Produces<ReadMessagesResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, ReadAnswer))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);

        chat.MapPatch("/readMessages/{instanceName}", ReadMessagesAsync)
            .WithName("readMessages")
            .WithSummary("Send read receipts for stored messages of this instance named by their numeric ids (ids; alias messageId) and mark them READ")
            .Accepts<object>("application/json")
            .WithMetadata(new RequestBodyExample("""{"ids":[41,42]}"""))
            .Produces<ReadMessagesResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, ReadAnswer))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);

        chat.MapPost("/mediaData/{instanceName}", MediaDataAsync)
            .WithName("mediaData")
            .WithSummary("Download and decrypt a stored message's media (id, or keyId [+ keyRemoteJid]): multipart/form-data with " +
                         "mediaType, fileName, size, mimetype, caption and file; ?binary=true returns the raw bytes")
            .Accepts<object>("application/json")
            .WithMetadata(new RequestBodyExample(SelectorExample))
            // One answer per status code in OpenAPI here: the default multipart one (the summary tells of ?binary=true).
            .Produces<MediaDataForm>(StatusCodes.Status200OK, "multipart/form-data")
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound,
                StatusCodes.Status410Gone, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status502BadGateway);

        chat.MapPost("/retrieverMediaMessage/{instanceName}", RetrieverMediaMessageAsync)
            .WithName("retrieverMediaMessage")
            .WithSummary("Deprecated in CodeChat 1.3: the raw bytes of a stored message's media (same selector as mediaData)")
            .Accepts<object>("application/json")
            .WithMetadata(new RequestBodyExample(SelectorExample))
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream")
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound,
                StatusCodes.Status410Gone, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status502BadGateway);

        chat.MapPost("/base64MediaMessage/{instanceName}", Base64MediaMessageAsync)
            .WithName("base64MediaMessage")
            .WithSummary("A stored message's media as base64 JSON (for media over Messaging:InlineMediaMaxBytes, which new.message does not inline)")
            .Accepts<object>("application/json")
            .WithMetadata(new RequestBodyExample(SelectorExample))
            .Produces<Base64MediaResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """{"mediaType":"documentMessage","fileName":"report.pdf","caption":null,"size":{"fileLength":9437184,"height":0,"width":0},"mimetype":"application/pdf","base64":"JVBERi0xLjQK..."}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound,
                StatusCodes.Status410Gone, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status502BadGateway);

        return routes;
    }

    private static async Task<IResult> MarkMessageAsReadAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        var (keys, failure) = ChatRequestReader.ReadMessageKeys(body);
        if (failure is not null)
            return ApiErrors.Invalid(failure);
        var result = await grains.GetGrain<IInstanceChatGrain>(instanceName).MarkReadAsync(keys!, cancellationToken);
        return ReadAnswerFor(instanceName, result);
    }

    private static async Task<IResult> ReadMessagesAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        var (ids, failure) = ChatRequestReader.ReadIds(body);
        if (failure is not null)
            return ApiErrors.Invalid(failure);
        var result = await grains.GetGrain<IInstanceChatGrain>(instanceName).MarkStoredReadAsync(ids!, cancellationToken);
        return ReadAnswerFor(instanceName, result);
    }

    private static IResult ReadAnswerFor(string instanceName, ReadMessagesResult result) => result.Outcome switch
    {
        ReadMessagesOutcome.Succeeded => Results.Json(new ReadMessagesResponse("Read messages", "success"), ApiJson.Options),
        ReadMessagesOutcome.NotFound => ApiErrors.InstanceNotFound(),
        ReadMessagesOutcome.NotConnected => ApiErrors.Of(StatusCodes.Status400BadRequest, $"The \"{instanceName}\" instance is not connected"),
        _ => ApiErrors.Of(StatusCodes.Status500InternalServerError, "Read messages fail", result.Error ?? "unknown error"),
    };

    private static async Task<IResult> MediaDataAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (media, problem) = await DownloadAsync(instanceName, http, grains, cancellationToken);
        if (problem is not null)
            return problem;
        if (string.Equals(http.Request.Query["binary"], "true", StringComparison.OrdinalIgnoreCase))
            return RawBytes(media!);
        return new MediaDataMultipartResult(media!);
    }

    private static async Task<IResult> RetrieverMediaMessageAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (media, problem) = await DownloadAsync(instanceName, http, grains, cancellationToken);
        return problem ?? RawBytes(media!);
    }

    private static async Task<IResult> Base64MediaMessageAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (media, problem) = await DownloadAsync(instanceName, http, grains, cancellationToken);
        return problem ?? Results.Json(Base64MediaResponse.From(media!), ApiJson.Options);
    }

    private static async Task<(MediaDownload? Media, IResult? Problem)> DownloadAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return (null, ApiErrors.Invalid(malformed));
        var (selector, failure) = ChatRequestReader.ReadSelector(body);
        if (failure is not null)
            return (null, ApiErrors.Invalid(failure));
        var media = await grains.GetGrain<IInstanceChatGrain>(instanceName).DownloadMediaAsync(selector!, cancellationToken);
        return (media, Problem(instanceName, media));
    }

    /// <summary>The answer for a download that did not succeed, or null when it did.</summary>
    internal static IResult? Problem(string instanceName, MediaDownload media) =>
        media.Outcome switch
        {
            MediaDownloadOutcome.Succeeded => null,
            MediaDownloadOutcome.InstanceNotFound => ApiErrors.InstanceNotFound(),
            MediaDownloadOutcome.MessageNotFound => ApiErrors.Of(StatusCodes.Status400BadRequest, "Message not found"),
            MediaDownloadOutcome.NotMedia => ApiErrors.Of(StatusCodes.Status400BadRequest, "The message is not of the media type"),
            MediaDownloadOutcome.NotConnected => ApiErrors.Of(StatusCodes.Status400BadRequest, $"The \"{instanceName}\" instance is not connected"),
            MediaDownloadOutcome.Expired => ApiErrors.Of(StatusCodes.Status410Gone,
                "The media is no longer on WhatsApp's servers; the sender must send it again", media.Error ?? ""),
            MediaDownloadOutcome.TooLarge => ApiErrors.Of(StatusCodes.Status413PayloadTooLarge, media.Error ?? "The media is too large"),
            _ => ApiErrors.Of(StatusCodes.Status502BadGateway, "The media could not be downloaded", media.Error ?? ""),
        };

    internal static IResult RawBytes(MediaDownload media)
    {
        var contentType = string.IsNullOrEmpty(media.Mimetype) ? "application/octet-stream" : media.Mimetype.Split(';')[0].Trim();
        return new InlineFileResult(media.Bytes!, contentType, MediaFileNames.For(media));
    }
}

/// <summary>The answer of the read routes, as CodeChat 1.3 gives it.</summary>
public sealed record ReadMessagesResponse(string Message, string Read);

/// <summary>The answer of <c>base64MediaMessage</c>: what <c>mediaData</c> reports, with the bytes as base64.</summary>
public sealed record Base64MediaResponse(string? MediaType, string FileName, string? Caption, MediaSize Size, string? Mimetype, string Base64)
{
    public static Base64MediaResponse From(MediaDownload media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return new(media.MessageType, MediaFileNames.For(media), media.Caption, MediaSize.From(media), media.Mimetype, Convert.ToBase64String(media.Bytes!));
    }
}

/// <summary>CodeChat's <c>size</c> object: <c>{fileLength, height, width}</c>.</summary>
public sealed record MediaSize(long FileLength, uint Height, uint Width)
{
    public static MediaSize From(MediaDownload media) => new(media.FileLength, media.Height, media.Width);
}
