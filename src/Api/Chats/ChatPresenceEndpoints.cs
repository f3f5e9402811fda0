using System.Text.Json;
using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Chats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Chats;

/// <summary>
/// <c>PATCH /chat/updatePresence</c> (codechat-api.md §5): our presence towards a number or group, and a
/// subscription to that person's presence, whose changes then arrive as <c>presence.update</c> events.
/// The number may also come in the query string, as v3's <c>updatePresence?number=</c> takes it.
/// </summary>
public static class ChatPresenceEndpoints
{
    private static readonly string[] Presences = ["unavailable", "available", "composing", "recording", "paused"];

    public static IEndpointRouteBuilder MapChatPresenceEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/chat").WithTags("Chat")
            .AddEndpointFilter<InstanceAccessFilter>()
            .AddEndpointFilter<InstanceNameRouteFilter>()
            .MapPatch("/updatePresence/{instanceName}", UpdatePresenceAsync)
            .WithName("updatePresence")
            .WithSummary("Show available/unavailable (online state) or composing/recording/paused (in the chat with number) and " +
                         "subscribe to that contact's presence (presence.update events)")
            .Accepts<object>("application/json")
            .WithMetadata(new RequestBodyExample("""{"presence":"composing","number":"5531912345678"}"""))
            .Produces<MessageResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, """{"message":"success"}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);
        return routes;
    }

    private static async Task<IResult> UpdatePresenceAsync(string instanceName, string? number, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        if (!body.TryGetProperty("presence", out var presenceElement))
            return ApiErrors.Invalid(JsonRequestBody.Missing("presence"));
        if (!JsonRequestBody.TryGetString(presenceElement, out var presence) || !Presences.Contains(presence))
            return ApiErrors.Invalid(new ValidationFailure("presence", $"presence is not one of enum values: {string.Join(",", Presences)}"));
        if (body.TryGetProperty("number", out var numberElement) && numberElement.ValueKind != JsonValueKind.Null
            && (!JsonRequestBody.TryGetString(numberElement, out number) || number.Length == 0))
            return ApiErrors.Invalid(JsonRequestBody.NotAString("number"));
        if (string.IsNullOrEmpty(number))
            return ApiErrors.Invalid(JsonRequestBody.Missing("number"));

        var result = await grains.GetGrain<IInstanceChatGrain>(instanceName).UpdatePresenceAsync(number, presence, cancellationToken);
        return result.Outcome switch
        {
            UpdatePresenceOutcome.Sent => Results.Json(new { message = "success" }),
            UpdatePresenceOutcome.InstanceNotFound => ApiErrors.InstanceNotFound(),
            UpdatePresenceOutcome.NotConnected => ApiErrors.Of(StatusCodes.Status400BadRequest, $"The \"{instanceName}\" instance does not exist or is not connected"),
            UpdatePresenceOutcome.UnknownRecipient => ApiErrors.Of(StatusCodes.Status400BadRequest, new { exists = false, number, reason = result.Error }),
            _ => ApiErrors.Of(StatusCodes.Status500InternalServerError, result.Error ?? "Presence not sent"),
        };
    }
}
