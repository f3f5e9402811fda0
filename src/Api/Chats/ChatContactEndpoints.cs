using System.Text.Json;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.Json;
using CodeChat.Api.Messages;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Contacts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Chats;

/// <summary>
/// The <c>/chat</c> routes about other accounts (codechat-api.md §5 and Appendix B): <c>fetchProfilePictureUrl</c>
/// (POST with a body as 1.3, GET with the query as 1.3 and v3), <c>rejectCall</c>, <c>assertSessions</c>, and v3's
/// <c>blockContact</c> / <c>fetchBlockedList</c>.
/// </summary>
public static class ChatContactEndpoints
{
    private const string ProfilePictureExample = """{"wuid":"5531912345678@s.whatsapp.net","profilePictureUrl":"https://pps.whatsapp.net/v/t61.24694-24/…"}""";

    public static IEndpointRouteBuilder MapChatContactEndpoints(this IEndpointRouteBuilder routes)
    {
        var chat = routes.MapInstanceRouteGroup("/chat", "Chat");

        chat.MapPost("/fetchProfilePictureUrl/{instanceName}", FetchProfilePictureFromBodyAsync)
            .WithName("fetchProfilePictureUrl")
            .WithSummary("The profile picture URL of a number or group (null when it has none or hides it from us: reason says which)")
            .Accepts<object>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"number":"5531912345678"}"""))
            .Produces<ProfilePictureResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, ProfilePictureExample))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);

        chat.MapGet("/fetchProfilePictureUrl/{instanceName}", FetchProfilePictureFromQueryAsync)
            .WithName("fetchProfilePictureUrlByQuery")
            .WithSummary("As the POST form, with the number in the query (?number=5531912345678)")
            .Produces<ProfilePictureResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, ProfilePictureExample))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);

        chat.MapPost("/rejectCall/{instanceName}", RejectCallAsync)
            .WithName("rejectCall")
            .WithSummary("Reject an incoming call (callId and callFrom as the call.upsert event gave them)")
            .Accepts<object>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"callId":"D1B5A63F0A5C3E4F7C2D","callFrom":"5531912345678@s.whatsapp.net"}"""))
            .Produces<RejectCallResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """{"call":{"callId":"D1B5A63F0A5C3E4F7C2D","callFrom":"5531912345678@s.whatsapp.net"},"rejected":true,"status":"rejected"}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);

        chat.MapPost("/assertSessions/{instanceName}", AssertSessionsAsync)
            .WithName("assertSessions")
            .WithSummary("Make sure a Signal session exists with every device of each number (device lists, then prekeys for the devices without one)")
            .Accepts<object>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"numbers":["5531912345678","5511987654321"]}"""))
            .Produces<MessageResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, """{"message":"Session asserted"}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);

        chat.MapPut("/blockContact/{instanceName}", BlockContactAsync)
            .WithName("blockContact")
            .WithSummary("Block or unblock a contact (v3): number in the query (or the body), action block|unblock in the body")
            .Accepts<object>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"action":"block"}"""))
            .Produces<BlockContactResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, """{"wuid":"5531912345678@s.whatsapp.net","action":"block","blocked":true}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);

        chat.MapGet("/fetchBlockedList/{instanceName}", FetchBlockedListAsync)
            .WithName("fetchBlockedList")
            .WithSummary("The JIDs the account blocks (v3)")
            .Produces<string[]>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, """["5531912345678@s.whatsapp.net","100000000000001@lid"]"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);

        return routes;
    }

    private static async Task<IResult> FetchProfilePictureFromBodyAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        if (RequiredString(body, "number", out var number) is { } failure)
            return ApiErrors.Invalid(failure);
        return await FetchProfilePictureAsync(instanceName, number, grains, cancellationToken);
    }

    private static Task<IResult> FetchProfilePictureFromQueryAsync(string instanceName, string? number, IGrainFactory grains, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(number)
            ? Task.FromResult(ApiErrors.Invalid(new ValidationFailure("number", "number is required in the query")))
            : FetchProfilePictureAsync(instanceName, number, grains, cancellationToken);

    private static async Task<IResult> FetchProfilePictureAsync(string instanceName, string number, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var result = await grains.GetGrain<IInstanceContactGrain>(instanceName).FetchProfilePictureAsync(number, cancellationToken);
        if (result.Outcome != ContactActionOutcome.Succeeded)
            return Refusal(instanceName, number, result);
        // 1.3 answers null for a picture it could not get; the reason (not-set / hidden) is ours.
        return Results.Json(new ProfilePictureResponse(result.Jid!, result.Url, result.Url is null ? result.Detail : null), ApiJson.Options);
    }

    private static async Task<IResult> RejectCallAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        if (RequiredString(body, "callId", out var callId) is { } callIdFailure)
            return ApiErrors.Invalid(callIdFailure);
        if (RequiredString(body, "callFrom", out var callFrom) is { } callFromFailure)
            return ApiErrors.Invalid(callFromFailure);

        var result = await grains.GetGrain<IInstanceContactGrain>(instanceName).RejectCallAsync(callId, callFrom, cancellationToken);
        return result.Outcome == ContactActionOutcome.Succeeded
            ? Results.Json(new RejectCallResponse(new RejectedCall(callId, callFrom), true, "rejected"), ApiJson.Options)
            : Refusal(instanceName, callFrom, result);
    }

    private static async Task<IResult> AssertSessionsAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        if (ChatEndpoints.ReadNumbers(body, out var numbers) is { Length: > 0 } failures)
            return ApiErrors.Invalid(failures);

        var result = await grains.GetGrain<IInstanceContactGrain>(instanceName).AssertSessionsAsync(numbers, cancellationToken);
        return result.Outcome switch
        {
            ContactActionOutcome.Succeeded => Results.Json(new MessageResponse("Session asserted"), ApiJson.Options),
            ContactActionOutcome.UnknownRecipient => ApiErrors.Of(StatusCodes.Status400BadRequest,
                [.. (result.Jids ?? []).Select(jid => (object)new { exists = false, jid })]),
            _ => Refusal(instanceName, null, result),
        };
    }

    private static async Task<IResult> BlockContactAsync(string instanceName, string? number, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        if (body.TryGetProperty("number", out var numberElement) && numberElement.ValueKind != JsonValueKind.Null
            && (!JsonRequestBody.TryGetString(numberElement, out number) || number.Length == 0))
            return ApiErrors.Invalid(JsonRequestBody.NotAString("number"));
        if (string.IsNullOrEmpty(number))
            return ApiErrors.Invalid(new ValidationFailure("number", "number is required (query or body)"));
        if (RequiredString(body, "action", out var action) is { } actionFailure)
            return ApiErrors.Invalid(actionFailure);
        if (action is not ("block" or "unblock"))
            return ApiErrors.Invalid(new ValidationFailure("action", "action is not one of enum values: block,unblock"));

        var result = await grains.GetGrain<IInstanceContactGrain>(instanceName).UpdateBlockStatusAsync(number, action == "block", cancellationToken);
        return result.Outcome == ContactActionOutcome.Succeeded
            ? Results.Json(new BlockContactResponse(result.Jid!, action, action == "block"), ApiJson.Options)
            : Refusal(instanceName, number, result);
    }

    private static async Task<IResult> FetchBlockedListAsync(string instanceName, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var result = await grains.GetGrain<IInstanceContactGrain>(instanceName).FetchBlocklistAsync(cancellationToken);
        return result.Outcome == ContactActionOutcome.Succeeded
            ? Results.Json(result.Jids ?? [])
            : Refusal(instanceName, null, result);
    }

    /// <summary>The answer for an outcome other than success.</summary>
    private static IResult Refusal(string instanceName, string? number, ContactActionResult result) => result.Outcome switch
    {
        ContactActionOutcome.InstanceNotFound => ApiErrors.InstanceNotFound(),
        ContactActionOutcome.NotConnected => ApiErrors.NotConnected(instanceName),
        ContactActionOutcome.UnknownRecipient => ApiErrors.Of(StatusCodes.Status400BadRequest,
            new { exists = false, jid = result.Jid ?? number, reason = result.Detail }),
        _ => ApiErrors.Of(StatusCodes.Status500InternalServerError, result.Detail ?? "WhatsApp did not answer"),
    };

    /// <summary>The non-empty string <paramref name="property"/> of the body, or the failure naming it.</summary>
    private static ValidationFailure? RequiredString(JsonElement body, string property, out string value)
    {
        value = "";
        if (!body.TryGetProperty(property, out var element) || element.ValueKind == JsonValueKind.Null)
            return JsonRequestBody.Missing(property);
        if (!JsonRequestBody.TryGetString(element, out var text) || text.Length == 0)
            return JsonRequestBody.NotAString(property);
        value = text;
        return null;
    }
}

/// <summary>
/// <c>fetchProfilePictureUrl</c>'s answer: 1.3's <c>{wuid, profilePictureUrl}</c>; when the URL is null,
/// <c>reason</c> (ours) says <c>not-set</c> or <c>hidden</c> (the owner's privacy settings hide it from us).
/// </summary>
public sealed record ProfilePictureResponse(string Wuid, string? ProfilePictureUrl, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Reason);

/// <summary><c>rejectCall</c>'s answer as 1.3 gives it.</summary>
public sealed record RejectCallResponse(RejectedCall Call, bool Rejected, string Status);

public sealed record RejectedCall(string CallId, string CallFrom);

/// <summary>v3's <c>blockContact</c>: the JID acted on, the action, and whether it is now blocked.</summary>
public sealed record BlockContactResponse(string Wuid, string Action, bool Blocked);

/// <summary>An answer that is only a message, such as <c>{"message":"Session asserted"}</c>.</summary>
public sealed record MessageResponse(string Message);
