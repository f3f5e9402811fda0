using System.Text.Json;
using System.Text.RegularExpressions;
using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.Json;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Messages;

/// <summary>
/// The <c>/message</c> send routes (codechat-api.md §4), thin over <see cref="IInstanceMessagingGrain"/>:
/// each reads its body (JSON or urlencoded form), builds the <c>waE2E.Message</c> and hands it over with
/// the shared <c>options</c>. 201 with the sent-message record once WhatsApp's server acked the message,
/// 202 with the record PENDING when the ack takes longer than <c>Messaging:SendTimeout</c> (api-contract.md §6).
/// </summary>
public static partial class MessageEndpoints
{
    private const string JsonMediaType = "application/json";

    private const string SentExample =
        """{"id":42,"keyId":"3EB0C431C26A1916E07E","keyFromMe":true,"keyRemoteJid":"5531987654321@s.whatsapp.net","pushName":"","messageType":"extendedTextMessage","content":{"text":"Hello!"},"messageTimestamp":1764763200,"instanceId":7,"device":"web","isGroup":false,"externalAttributes":{"crmId":42},"status":"SERVER_ACK"}""";

    private const string AcceptedExample =
        """{"id":42,"keyId":"3EB0C431C26A1916E07E","keyFromMe":true,"keyRemoteJid":"5531987654321@s.whatsapp.net","pushName":"","messageType":"extendedTextMessage","content":{"text":"Hello!"},"messageTimestamp":1764763200,"instanceId":7,"device":"web","isGroup":false,"externalAttributes":null,"status":"PENDING"}""";

    public static IEndpointRouteBuilder MapMessageEndpoints(this IEndpointRouteBuilder routes)
    {
        var named = routes.MapInstanceRouteGroup("/message", "Message");

        named.MapPost("/sendText/{instanceName}", SendTextAsync)
            .WithName("sendText")
            .WithSummary("Send a text (options: delay in ms or [min,max] with a typing presence, quoted, mentions, messageId, externalAttributes); 201 once WhatsApp acked it, 202 PENDING after Messaging:SendTimeout. With numbers[] instead of number: a mailing, 201 with the QueueModel (see /message/queue). number status@broadcast posts a text status to options.statusJidList[] (or options.allContacts: true), styled by options.backgroundColor (#RRGGBB/#AARRGGBB) and options.font (0-2, 6-10: WhatsApp's fonts)")
            .Accepts<SendTextRequest>(JsonMediaType, UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample(
                """{"number":"5531987654321","options":{"delay":[1200,3000],"presence":"composing","quoted":{"messageId":"3EB0B430B6F8F1D0E053"},"externalAttributes":{"crmId":42}},"textMessage":{"text":"Hello!"}}"""))
            .WithSendResponses();

        named.MapMessageContentEndpoints();
        routes.MapSendQueueEndpoints();
        return routes;
    }

    /// <summary>The answers every send route documents: 201, 202, and the errors.</summary>
    internal static RouteHandlerBuilder WithSendResponses(this RouteHandlerBuilder builder) => builder
        .Produces<SentMessageResponse>(StatusCodes.Status201Created)
        .WithMetadata(new ResponseExample(StatusCodes.Status201Created, SentExample))
        .Produces<SentMessageResponse>(StatusCodes.Status202Accepted)
        .WithMetadata(new ResponseExample(StatusCodes.Status202Accepted, AcceptedExample))
        .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge)
        .WithMetadata(new ResponseExample(StatusCodes.Status400BadRequest,
            """{"status":400,"error":"Bad Request","message":[{"exists":false,"jid":"5531900000000@s.whatsapp.net"}]}"""));

    private static async Task<IResult> SendTextAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);

        var failures = new List<ValidationFailure>();
        var number = ReadNumber(body, failures, statusAllowed: true);
        string? text = null;
        if (!SendRequestValues.TryGetPresent(body, "textMessage", out var textMessage))
            failures.Add(JsonRequestBody.Missing("textMessage"));
        else if (textMessage.ValueKind != JsonValueKind.Object)
            failures.Add(new ValidationFailure("textMessage", "textMessage is not of a type(s) object"));
        else if (!SendRequestValues.TryGetPresent(textMessage, "text", out var textElement))
            failures.Add(new ValidationFailure("textMessage", "textMessage requires property \"text\""));
        else if (!JsonRequestBody.TryGetString(textElement, out text))
            failures.Add(JsonRequestBody.NotAString("textMessage.text"));
        else if (text.Length == 0)
            failures.Add(new ValidationFailure("textMessage.text", "textMessage.text does not meet minimum length of 1"));

        // As Baileys (and so CodeChat) builds a text: always an extended text message.
        var message = new Message { ExtendedTextMessage = new ExtendedTextMessage { Text = text ?? "" } };
        return await SendAsync(instanceName, number, message, body, failures, grains, cancellationToken);
    }

    /// <summary>
    /// The shared tail of every send route: the options read and checked, then the grain asked, and its
    /// outcome as CodeChat's answer. <paramref name="failures"/> holds what the route found wrong already.
    /// </summary>
    internal static async Task<IResult> SendAsync(
        string instanceName, string? number, Message message, JsonElement body, List<ValidationFailure> failures,
        IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (options, optionFailures, tooLarge) = SendOptionsReader.Read(body);
        failures.AddRange(optionFailures);
        if (number is not null || SendRequestValues.TryGetPresent(body, "numbers", out _))
            StatusPostOptions.Check(number, message.ExtendedTextMessage is not null, options, failures);
        if (tooLarge)
            return ApiErrors.Of(StatusCodes.Status413PayloadTooLarge,
                new ValidationFailure("options.externalAttributes", $"externalAttributes must be at most {SendOptionsReader.MaxExternalAttributesBytes} bytes of JSON"));
        // A mailing (api-contract.md §2): numbers instead of number.
        if (SendRequestValues.TryGetPresent(body, "numbers", out var numbersElement))
        {
            var numbers = SendQueueEndpoints.ReadNumbers(numbersElement, failures);
            return failures.Count > 0
                ? ApiErrors.Invalid([.. failures])
                : await SendQueueEndpoints.StartAsync(instanceName, numbers, message, options, grains, cancellationToken);
        }
        if (failures.Count > 0 || number is null)
            return ApiErrors.Invalid([.. failures]);

        return (await SendBuiltAsync(instanceName, number, message, options, grains, cancellationToken)).Answer;
    }

    /// <summary>
    /// Hands a built message with its read options to the instance's send pipeline: the grain's result
    /// (for callers that report on it, e.g. the media routes' send.message events) and CodeChat's answer.
    /// </summary>
    internal static async Task<(SendMessageResult Result, IResult Answer)> SendBuiltAsync(
        string instanceName, string number, Message message, SendOptions options, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var result = await grains.GetGrain<IInstanceMessagingGrain>(instanceName)
            .SendMessageAsync(new OutgoingMessageCommand(number, message.ToByteArray(), options), cancellationToken);
        return (result, result.Outcome switch
        {
            SendOutcome.Sent => Results.Json(SentMessageResponse.From(result.Message!), ApiJson.Options, statusCode: StatusCodes.Status201Created),
            SendOutcome.Accepted => Results.Json(SentMessageResponse.From(result.Message!), ApiJson.Options, statusCode: StatusCodes.Status202Accepted),
            SendOutcome.NotFound => ApiErrors.InstanceNotFound(),
            SendOutcome.NotConnected => ApiErrors.NotConnected(instanceName),
            SendOutcome.NotOnWhatsApp => ApiErrors.Of(StatusCodes.Status400BadRequest, new NumberCheckResponse(false, result.Detail!, null, null)),
            // As a recipient without WhatsApp, once per number of the audience that has none.
            SendOutcome.StatusAudienceNotOnWhatsApp => ApiErrors.Of(StatusCodes.Status400BadRequest,
                [.. (result.NotOnWhatsApp ?? []).Select(jid => (object)new NumberCheckResponse(false, jid, null, null))]),
            SendOutcome.NoStatusAudience => ApiErrors.Invalid(new ValidationFailure(
                options.StatusAllContacts ? "options.allContacts" : "options.statusJidList", result.Detail ?? "A status post needs its audience")),
            SendOutcome.GroupNotFound => ApiErrors.Of(StatusCodes.Status400BadRequest, "Group not found"),
            SendOutcome.QuotedNotFound => ApiErrors.Of(StatusCodes.Status400BadRequest, "Quoted message not found"),
            SendOutcome.MentionsOutsideGroup => ApiErrors.Invalid(new ValidationFailure("options.mentions", "Mentions are only possible in a group")),
            SendOutcome.InvalidRecipient => ApiErrors.Invalid(new ValidationFailure("number", result.Detail ?? "Invalid format")),
            SendOutcome.InvalidStatusAudience => ApiErrors.Invalid(new ValidationFailure("options.statusJidList", result.Detail ?? "Invalid format")),
            SendOutcome.DuplicateMessageId => ApiErrors.Invalid(new ValidationFailure("options.messageId", $"A message with the id {result.Detail} exists already")),
            SendOutcome.Failed => ApiErrors.Of(StatusCodes.Status400BadRequest, result.Detail ?? "The message could not be sent"),
            _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome} of a send."),
        });
    }

    /// <summary>
    /// <c>number</c> as CodeChat 1.3 checks it (<c>^\d+[.@\w-]+</c>, "Invalid format") and as we can send
    /// to it (<see cref="RecipientJid"/>), or <c>status@broadcast</c> on the routes that can post a status
    /// (<paramref name="statusAllowed"/>); a failure is added for a missing or bad one. A body with
    /// <c>numbers</c> instead is a mailing: null without a failure (<see cref="SendQueueEndpoints.ReadNumbers"/> reads those).
    /// </summary>
    internal static string? ReadNumber(JsonElement body, List<ValidationFailure> failures, bool statusAllowed = false)
    {
        var mailing = SendRequestValues.TryGetPresent(body, "numbers", out _);
        if (!SendRequestValues.TryGetPresent(body, "number", out var element))
        {
            // With numbers, a mailing: SendAsync reads those (SendQueueEndpoints.ReadNumbers).
            if (!mailing)
                failures.Add(JsonRequestBody.Missing("number"));
            return null;
        }
        if (mailing)
        {
            failures.Add(new ValidationFailure("numbers", "Give either number (one recipient) or numbers (a mailing), not both"));
            return null;
        }
        if (!JsonRequestBody.TryGetString(element, out var number))
        {
            failures.Add(JsonRequestBody.NotAString("number"));
            return null;
        }
        if (StatusPostOptions.IsStatus(number))
        {
            if (statusAllowed)
                return StatusPostOptions.StatusJid;
            failures.Add(new ValidationFailure("number",
                "A status post (status@broadcast) is a text (sendText), an image, a video or audio (sendMedia, sendMediaFile) or a voice note (sendWhatsAppAudio, sendWhatsAppAudioFile)"));
            return null;
        }
        if (!IsSendableNumber(number))
        {
            failures.Add(new ValidationFailure("number", "Invalid format"));
            return null;
        }
        return number;
    }

    /// <summary>Whether <paramref name="number"/> passes CodeChat 1.3's check and is a JID we can send to.</summary>
    internal static bool IsSendableNumber(string number) => NumberPattern().IsMatch(number) && RecipientJid.TryParse(number, out _);

    [GeneratedRegex(@"^\d+[.@\w-]+")]
    private static partial Regex NumberPattern();
}

/// <summary>The body of <c>POST /message/sendText</c> (for Swagger; the route reads JSON or a form by hand).</summary>
public sealed record SendTextRequest(string Number, SendTextContent TextMessage, JsonElement? Options);

/// <summary>The text of <see cref="SendTextRequest"/>.</summary>
public sealed record SendTextContent(string Text);
