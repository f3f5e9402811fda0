using CodeChat.Api.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace CodeChat.Api.Errors;

/// <summary>The error responses the API gives, all in CodeChat's envelope.</summary>
public static class ApiErrors
{
    public static readonly string[] MissingGlobalApiKey = ["Missing global api key", "The global api key must be set"];

    public static IResult Of(int status, params object[] messages) =>
        Results.Json(Envelope(status, messages), ApiJson.Options, statusCode: status);

    public static IResult Unauthorized() => Of(StatusCodes.Status401Unauthorized);

    public static IResult InstanceNotFound() => Of(StatusCodes.Status404NotFound, "Instance not found");

    /// <summary>CodeChat 1.3's answer when an action needs the WhatsApp connection and it is not open.</summary>
    public static IResult NotConnected(string instanceName) =>
        Of(StatusCodes.Status400BadRequest, $"The \"{instanceName}\" instance does not exist or is not connected");

    /// <summary>
    /// The instance's state was changed elsewhere (another activation took its session over) while this
    /// request ran; nothing was changed, and a retry acts on the current state.
    /// </summary>
    public static IResult InstanceChangedElsewhere() =>
        Of(StatusCodes.Status409Conflict, "The instance changed in another process; nothing was done, retry");

    public static IResult Invalid(params ValidationFailure[] failures) =>
        Of(StatusCodes.Status400BadRequest, [.. failures]);

    public static ErrorEnvelope Envelope(int status, object[] messages) =>
        new(status, ReasonPhrases.GetReasonPhrase(status), messages.Length == 0 ? null : messages);

    public static Task WriteAsync(HttpContext context, int status, params object[] messages)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(Envelope(status, messages), ApiJson.Options, context.RequestAborted);
    }
}
