using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Chats;

/// <summary>
/// CodeChat 1.3's public media download link, <c>GET /chat/public/{type}/download?q=</c>, the one route without
/// an API key: <c>new.message</c>'s <c>media.path</c> points here. Unlike 1.3, whose <c>q</c> was the media
/// key and path in plain base64 (anyone could forge or read one), <c>q</c> is a sealed, expiring token naming
/// one stored message of one instance (<see cref="PublicMediaLinks"/>): altered or made up → 403, expired → 410.
/// </summary>
public static class PublicMediaEndpoints
{
    private static readonly string[] Types = ["image", "document", "audio", "video", "sticker", "ptv"];

    public static IEndpointRouteBuilder MapPublicMediaEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/chat/public/{type}/download", DownloadAsync)
            .WithTags("Chat")
            .WithName("publicMediaDownload")
            .WithSummary("Download a received message's media through the link new.message gave in media.path (no API key; the token expires)")
            .WithMetadata(new CredentialInRequest("the query's `q` (the link's sealed, expiring token)"))
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream")
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
                StatusCodes.Status410Gone, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status502BadGateway);
        return routes;
    }

    private static async Task<IResult> DownloadAsync(string type, string? q, PublicMediaLinks links, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!Types.Contains(type))
            return ApiErrors.Invalid(new ValidationFailure("type", $"Media type not supported: one of {string.Join(", ", Types)}"));
        if (string.IsNullOrEmpty(q))
            return ApiErrors.Invalid(new ValidationFailure("q", "q (the link's token) is required"));

        var link = links.Read(q);
        switch (link.Status)
        {
            case PublicMediaLinkStatus.Invalid:
                return ApiErrors.Of(StatusCodes.Status403Forbidden, "Invalid media link: the token was altered or not issued here");
            case PublicMediaLinkStatus.Expired:
                return ApiErrors.Of(StatusCodes.Status410Gone, $"The media link expired at {link.ExpiresAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}; " +
                    "fetch the media with /chat/mediaData");
        }

        var media = await grains.GetGrain<IInstanceChatGrain>(link.InstanceName!)
            .DownloadMediaAsync(new StoredMessageSelector(link.MessageId, null, null), cancellationToken);
        return ChatReceiveEndpoints.Problem(link.InstanceName!, media) ?? ChatReceiveEndpoints.RawBytes(media);
    }
}
