using System.Globalization;
using System.Text.Json;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.Json;
using CodeChat.Api.Messages;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Abstractions.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Chats;

/// <summary>
/// The <c>/chat</c> routes that change a message already sent (codechat-api.md §5): delete it for
/// everyone (<c>deleteMessage</c>, and 1.3's deprecated <c>deleteMessageForEveryone</c>, which answers
/// 201) and edit its text (<c>editMessage</c>). Both send the change to WhatsApp and, once the server
/// acked it, change the stored message with its <c>messages.update</c>.
/// </summary>
public static class ChatRevisionEndpoints
{
    private const string StoredMessageExample =
        """{"id":42,"keyId":"3EB0C767D82B6A2F1E4B","keyFromMe":true,"keyRemoteJid":"5531987654321@s.whatsapp.net","pushName":"","messageType":"extendedTextMessage","content":{"text":"Our store opens at 9"},"messageTimestamp":1764763200,"instanceId":1,"device":"web","isGroup":false,"externalAttributes":null,"status":"DELIVERY_ACK"}""";

    private const string DeleteAnswerExample = $$"""{"deletedAt":"2026-12-03T07:39:39.123Z","message":{{StoredMessageExample}}}""";

    public static IEndpointRouteBuilder MapChatRevisionEndpoints(this IEndpointRouteBuilder routes)
    {
        var chat = routes.MapInstanceRouteGroup("/chat", "Chat");

        chat.MapDelete("/deleteMessage/{instanceName}", DeleteMessageAsync)
            .WithName("deleteMessage")
            .WithSummary("Delete a stored message for everyone (query id = its numeric id): ours, or a member's in a group we administer. " +
                         "As CodeChat 1.3, the message is revoked for everyone whatever everyOne says")
            .Produces<DeleteMessageResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, DeleteAnswerExample))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);

        chat.MapDelete("/deleteMessageForEveryone/{instanceName}", DeleteMessageForEveryoneAsync)
            .WithName("deleteMessageForEveryone")
            .WithSummary("Deprecated in CodeChat 1.3: deleteMessage, answering 201")
            .Produces<DeleteMessageResponse>(StatusCodes.Status201Created)
            .WithMetadata(new ResponseExample(StatusCodes.Status201Created, DeleteAnswerExample))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);

        chat.MapPost("/editMessage/{instanceName}", EditMessageAsync)
            .WithName("editMessage")
            .WithSummary("Replace the text of a text message we sent, named by its numeric id or its WhatsApp id (keyId); answers its record with the new content")
            .Accepts<EditMessageRequest>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"id":42,"text":"Our store opens at 10"}"""))
            .Produces<SentMessageResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, StoredMessageExample.Replace("opens at 9", "opens at 10", StringComparison.Ordinal)))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        return routes;
    }

    private static Task<IResult> DeleteMessageAsync(string instanceName, string? id, string? everyOne, IGrainFactory grains, CancellationToken cancellationToken) =>
        RevokeAsync(instanceName, id, everyOne, StatusCodes.Status200OK, grains, cancellationToken);

    private static Task<IResult> DeleteMessageForEveryoneAsync(string instanceName, string? id, IGrainFactory grains, CancellationToken cancellationToken) =>
        RevokeAsync(instanceName, id, everyOne: "true", StatusCodes.Status201Created, grains, cancellationToken);

    private static async Task<IResult> RevokeAsync(string instanceName, string? id, string? everyOne, int status, IGrainFactory grains, CancellationToken cancellationToken)
    {
        // 1.3's schema: id is a digit string (the stored numeric id).
        if (string.IsNullOrEmpty(id))
            return ApiErrors.Invalid(new ValidationFailure("id", "instance requires property \"id\""));
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var storedId))
            return ApiErrors.Invalid(new ValidationFailure("id", "id does not match pattern \"\\d+\" (the message's numeric id)"));
        if (everyOne is not (null or "true" or "false"))
            return ApiErrors.Invalid(new ValidationFailure("everyOne", "everyOne must be true or false"));

        var result = await grains.GetGrain<IInstanceMessagingGrain>(instanceName).RevokeMessageAsync(storedId, cancellationToken);
        return result.Outcome == MessageRevisionOutcome.Revised
            ? Results.Json(new DeleteMessageResponse(result.At!.Value, SentMessageResponse.From(result.Message!)), ApiJson.Options, statusCode: status)
            : Problem(instanceName, result, StatusCodes.Status500InternalServerError, "Error while deleting message for everyone");
    }

    private static async Task<IResult> EditMessageAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        var failures = new List<ValidationFailure>();
        var target = ReadEditTarget(body, failures);
        string? text = null;
        if (!body.TryGetProperty("text", out var textElement))
            failures.Add(JsonRequestBody.Missing("text"));
        else if (!JsonRequestBody.TryGetString(textElement, out text))
            failures.Add(JsonRequestBody.NotAString("text"));
        else if (text.Trim().Length == 0)
            failures.Add(new ValidationFailure("text", "text must not be empty"));
        if (failures.Count > 0)
            return ApiErrors.Invalid([.. failures]);

        var result = await grains.GetGrain<IInstanceMessagingGrain>(instanceName).EditMessageAsync(target!, text!, cancellationToken);
        return result.Outcome == MessageRevisionOutcome.Revised
            ? Results.Json(SentMessageResponse.From(result.Message!), ApiJson.Options)
            : Problem(instanceName, result, StatusCodes.Status400BadRequest, "The message could not be edited");
    }

    /// <summary>
    /// <c>id</c> as CodeChat 1.3 reads it: an integer (or a digit string) is the stored numeric id,
    /// any other string the WhatsApp message id.
    /// </summary>
    private static StoredMessageSelector? ReadEditTarget(JsonElement body, List<ValidationFailure> failures)
    {
        if (!body.TryGetProperty("id", out var id))
        {
            failures.Add(JsonRequestBody.Missing("id"));
            return null;
        }
        if (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var number) && number > 0)
            return new StoredMessageSelector(number, null, null);
        if (id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } text)
        {
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? new StoredMessageSelector(parsed, null, null)
                : new StoredMessageSelector(null, text, null);
        }
        failures.Add(new ValidationFailure("id", "id must be the message's numeric id or its WhatsApp id (keyId)"));
        return null;
    }

    private static IResult Problem(string instanceName, MessageRevisionResult result, int failedStatus, string failedMessage) => result.Outcome switch
    {
        MessageRevisionOutcome.InstanceNotFound => ApiErrors.InstanceNotFound(),
        MessageRevisionOutcome.NotConnected => ApiErrors.NotConnected(instanceName),
        MessageRevisionOutcome.MessageNotFound => ApiErrors.Of(StatusCodes.Status400BadRequest, "Message not found"),
        MessageRevisionOutcome.NotAllowed => ApiErrors.Of(StatusCodes.Status400BadRequest, result.Error ?? failedMessage),
        MessageRevisionOutcome.Failed => ApiErrors.Of(failedStatus, failedMessage, result.Error ?? "unknown error"),
        _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome} of a message revision."),
    };
}

/// <summary>The answer of <c>deleteMessage</c>, as CodeChat 1.3 gives it: when, and the stored message.</summary>
public sealed record DeleteMessageResponse(DateTimeOffset DeletedAt, SentMessageResponse Message);

/// <summary>The body of <c>POST /chat/editMessage</c> (for Swagger): <c>id</c> is the numeric id or the WhatsApp id.</summary>
public sealed record EditMessageRequest(JsonElement Id, string Text);
