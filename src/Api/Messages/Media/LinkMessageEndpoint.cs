using System.Text.Json;
using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.OpenApi;
using CodeChat.Media.Preparation;
using CodeChat.Media.Sources;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Messages.Media;

/// <summary>
/// <c>POST /message/sendLink</c> (codechat-api.md §4.1): an extended text with a link preview. The text
/// is the link, then a blank line and <c>text</c> when given (as 1.3); the preview's title,
/// description and thumbnail are the body's, else read from the page (Open Graph tags, fetched under
/// the media address policy; a page that cannot be read just gives no preview), the title at least
/// the link. An unusable <c>thumbnailUrl</c> the caller named is a 400 naming it.
/// </summary>
public static class LinkMessageEndpoint
{
    private const string Field = "linkMessage";

    public static IEndpointRouteBuilder MapLinkMessageEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/message").WithTags("Message")
            .AddEndpointFilter<InstanceAccessFilter>()
            .AddEndpointFilter<InstanceNameRouteFilter>()
            .MapPost("/sendLink/{instanceName}", SendLinkAsync)
            .WithName("sendLink")
            .WithSummary("Send a link with its preview (title, description, thumbnail: from the body, else from the page's Open Graph tags)")
            .Accepts<SendLinkRequest>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample(
                """{"number":"5531987654321","linkMessage":{"link":"https://example.com/news/42","text":"Have a look","title":"Our news","description":"What changed this week","thumbnailUrl":"https://example.com/news/42.jpg"}}"""))
            .WithSendResponses();
        return routes;
    }

    private static async Task<IResult> SendLinkAsync(
        string instanceName, HttpContext http, LinkPreviewReader previews, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);

        var failures = new List<ValidationFailure>();
        var number = MessageEndpoints.ReadNumber(body, failures);
        string? link = null, text = null, title = null, description = null, thumbnailUrl = null;
        if (!SendRequestValues.TryGetPresent(body, Field, out var linkMessage))
            failures.Add(JsonRequestBody.Missing(Field));
        else if (linkMessage.ValueKind != JsonValueKind.Object)
            failures.Add(new ValidationFailure(Field, $"{Field} is not of a type(s) object"));
        else
        {
            if (!SendRequestValues.TryGetPresent(linkMessage, "link", out var linkElement))
                failures.Add(new ValidationFailure(Field, $"{Field} requires property \"link\""));
            else if (!JsonRequestBody.TryGetString(linkElement, out link) || link.Length == 0)
                failures.Add(new ValidationFailure($"{Field}.link", $"{Field}.link must be a non-empty string"));
            text = Optional(linkMessage, "text", failures);
            title = Optional(linkMessage, "title", failures);
            description = Optional(linkMessage, "description", failures);
            thumbnailUrl = Optional(linkMessage, "thumbnailUrl", failures);
        }
        Uri? thumbnailUri = null;
        if (thumbnailUrl is not null && !MediaUrlFetcher.IsHttpUrl(thumbnailUrl, out thumbnailUri))
            failures.Add(new ValidationFailure($"{Field}.thumbnailUrl", $"{Field}.thumbnailUrl must be an http or https URL"));
        if (failures.Count > 0 || link is null)
            return await MessageEndpoints.SendAsync(instanceName, number, new Message(), body, failures, grains, cancellationToken);

        var preview = new ExtendedTextMessage
        {
            Text = text is null ? link : $"{link}\n\n{text}",
            MatchedText = link,
            PreviewType = ExtendedTextMessage.Types.PreviewType.None,
        };
        if ((title is null || description is null || thumbnailUri is null) && MediaUrlFetcher.IsHttpUrl(link, out var page)
            && await previews.ReadPageAsync(page, cancellationToken) is { } read)
        {
            title ??= read.Title;
            description ??= read.Description;
            if (thumbnailUri is null && read.ImageUrl is not null)
                await AddPageThumbnailAsync(previews, read.ImageUrl, preview, cancellationToken);
        }
        preview.Title = title ?? link;
        if (description is not null)
            preview.Description = description;
        if (thumbnailUri is not null)
        {
            try
            {
                var thumbnail = await previews.ReadThumbnailAsync(thumbnailUri, $"{Field}.thumbnailUrl", cancellationToken);
                preview.JPEGThumbnail = ByteString.CopyFrom(thumbnail.JpegThumbnail);
            }
            catch (MediaTooLargeException tooLarge)
            {
                return ApiErrors.Of(StatusCodes.Status413PayloadTooLarge, new ValidationFailure(tooLarge.Field, tooLarge.Message));
            }
            catch (MediaInputException invalid)
            {
                return ApiErrors.Invalid(new ValidationFailure(invalid.Field, invalid.Message));
            }
        }
        return await MessageEndpoints.SendAsync(instanceName, number, new Message { ExtendedTextMessage = preview }, body, failures, grains, cancellationToken);
    }

    // The page's own image is an extra: one that cannot be read leaves the preview without a thumbnail.
    private static async Task AddPageThumbnailAsync(LinkPreviewReader previews, string imageUrl, ExtendedTextMessage preview, CancellationToken cancellationToken)
    {
        if (!MediaUrlFetcher.IsHttpUrl(imageUrl, out var image))
            return;
        try
        {
            var thumbnail = await previews.ReadThumbnailAsync(image, $"{Field}.link", cancellationToken);
            preview.JPEGThumbnail = ByteString.CopyFrom(thumbnail.JpegThumbnail);
        }
        catch (MediaInputException)
        {
            // No thumbnail, the rest of the preview stands.
        }
    }

    private static string? Optional(JsonElement linkMessage, string name, List<ValidationFailure> failures)
    {
        if (!SendRequestValues.TryGetPresent(linkMessage, name, out var element))
            return null;
        if (JsonRequestBody.TryGetString(element, out var value))
            return value.Length == 0 ? null : value;
        failures.Add(JsonRequestBody.NotAString($"{Field}.{name}"));
        return null;
    }
}

/// <summary>The body of <c>POST /message/sendLink</c> (for Swagger; the route reads JSON or a form by hand).</summary>
public sealed record SendLinkRequest(string Number, SendLinkContent LinkMessage, JsonElement? Options);

/// <summary>The link of <see cref="SendLinkRequest"/> and its optional preview fields.</summary>
public sealed record SendLinkContent(string Link, string? Text, string? Title, string? Description, string? ThumbnailUrl);
