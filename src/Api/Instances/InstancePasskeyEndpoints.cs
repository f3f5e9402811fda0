using System.Text.Json;
using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Json;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.WhatsApp.Pairing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Instances;

/// <summary>
/// Passkey-required linking (our extension, issue 15; whatsapp-protocol.md §4.5): read the pending stage and
/// WhatsApp's WebAuthn options, post the browser's assertion, post the confirmation. Global key or the
/// instance's token, like the other session routes. WhatsApp Web's origin may call them (CORS,
/// <see cref="PasskeyHelperCors"/>) so the helper in tools/passkey-helper can run there.
/// </summary>
public static class InstancePasskeyEndpoints
{
    /// <summary>How long the assertion route waits for the phone's continuation (the confirmation code).</summary>
    public static readonly TimeSpan ContinuationWait = TimeSpan.FromSeconds(15);

    private const string AwaitingAssertionExample =
        """{"stage":"awaiting_assertion","publicKey":{"challenge":"q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJ","timeout":300000,"rpId":"whatsapp.com","allowCredentials":[{"id":"AbCdEf012345","type":"public-key","transports":["internal","hybrid"]}],"userVerification":"preferred","extensions":{}},"expiresAt":"2026-12-03T20:05:00.000Z"}""";

    private const string AwaitingConfirmationExample =
        """{"stage":"awaiting_confirmation","code":"ABCD-EFGH","skipHandoff":true,"expiresAt":"2026-12-03T20:05:00.000Z"}""";

    private const string AssertionExample =
        """{"id":"AbCdEf012345","rawId":"AbCdEf012345","type":"public-key","authenticatorAttachment":"platform","clientExtensionResults":{},"response":{"clientDataJSON":"eyJ0eXBlIjoid2ViYXV0aG4uZ2V0Ii...","authenticatorData":"SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ","signature":"MEUCIQD...","userHandle":"dXNlcg"}}""";

    public static IEndpointRouteBuilder MapInstancePasskeyEndpoints(this IEndpointRouteBuilder routes)
    {
        var named = routes.MapGroup("/instance/passkey").WithTags("Instance")
            .RequireCors(PasskeyHelperCors.PolicyName)
            .AddEndpointFilter<InstanceAccessFilter>()
            .AddEndpointFilter<InstanceNameRouteFilter>();

        named.MapGet("/{instanceName}", GetAsync)
            .WithName("passkeyState")
            .WithSummary("The pending passkey linking: none, awaiting_assertion (with WhatsApp's WebAuthn request options for navigator.credentials.get) or awaiting_confirmation (with the code the phone shows)")
            .Produces<PasskeyStateResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, AwaitingAssertionExample))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        named.MapPost("/{instanceName}/assertion", AssertionAsync)
            .WithName("passkeyAssertion")
            .WithSummary("Post the browser's assertion (PublicKeyCredential.toJSON() of navigator.credentials.get on WhatsApp Web); answers with the next stage (usually awaiting_confirmation)")
            .Accepts<object>("application/json")
            .WithMetadata(new RequestBodyExample(AssertionExample))
            .Produces<PasskeyStateResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, AwaitingConfirmationExample))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        named.MapPost("/{instanceName}/confirm", ConfirmAsync)
            .WithName("passkeyConfirm")
            .WithSummary("Confirm the code the phone shows (code may be left out when skipHandoff is true); WhatsApp then links the instance")
            .Accepts<PasskeyConfirmRequest>("application/json")
            .WithMetadata(new RequestBodyExample("""{"code":"ABCD-EFGH"}"""))
            .Produces<PasskeyStateResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, """{"stage":"none"}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        return routes;
    }

    private static async Task<IResult> GetAsync(string instanceName, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var view = await grains.GetGrain<IInstancePasskeyGrain>(instanceName).GetPasskeyAsync(cancellationToken);
        return view is null ? ApiErrors.InstanceNotFound() : Json(PasskeyStateResponse.From(view));
    }

    private static async Task<IResult> AssertionAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        try
        {
            // Checked here so a malformed assertion is a 400 naming its member, before WhatsApp sees anything.
            WebAuthnAssertion.FromJson(body);
        }
        catch (ArgumentException invalid)
        {
            return ApiErrors.Invalid(new ValidationFailure(invalid.ParamName ?? "body", FirstSentence(invalid.Message)));
        }

        var passkey = grains.GetGrain<IInstancePasskeyGrain>(instanceName);
        var result = await passkey.SubmitPasskeyAssertionAsync(body.GetRawText(), cancellationToken);
        return result.Outcome switch
        {
            PasskeyCommandOutcome.Accepted => Json(PasskeyStateResponse.From(
                await passkey.WaitForPasskeyProgressAsync(ContinuationWait, cancellationToken) ?? InstancePasskeyView.Idle)),
            PasskeyCommandOutcome.Refused => ApiErrors.Of(StatusCodes.Status400BadRequest,
                "WhatsApp refused the passkey assertion; the linking ended, connect again for a new QR"),
            _ => Common(result),
        };
    }

    private static async Task<IResult> ConfirmAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        string? code = null;
        if (body.TryGetProperty("code", out var codeElement) && codeElement.ValueKind != JsonValueKind.Null)
        {
            var text = codeElement.ValueKind == JsonValueKind.String ? codeElement.GetString()! : "";
            code = text.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
            if (!PairingCode.IsValid(code))
                return ApiErrors.Invalid(new ValidationFailure("code", "code must be the 8 characters the phone shows (XXXX-XXXX)"));
        }

        var result = await grains.GetGrain<IInstancePasskeyGrain>(instanceName).ConfirmPasskeyAsync(code, cancellationToken);
        return result.Outcome switch
        {
            PasskeyCommandOutcome.Accepted => Json(PasskeyStateResponse.From(result.Passkey ?? InstancePasskeyView.Idle)),
            PasskeyCommandOutcome.CodeRequired => ApiErrors.Invalid(new ValidationFailure("code", "code is required: compare it with the code the phone shows")),
            PasskeyCommandOutcome.CodeMismatch => ApiErrors.Invalid(new ValidationFailure("code",
                "code does not match the one this instance derived; the linking ended, connect again for a new QR")),
            PasskeyCommandOutcome.Refused => ApiErrors.Of(StatusCodes.Status400BadRequest,
                "WhatsApp did not accept the pairing request; the linking ended, connect again for a new QR"),
            _ => Common(result),
        };
    }

    private static IResult Common(PasskeyCommandResult result) => result.Outcome switch
    {
        PasskeyCommandOutcome.NotFound => ApiErrors.InstanceNotFound(),
        PasskeyCommandOutcome.WrongStage => ApiErrors.Of(StatusCodes.Status409Conflict,
            $"The instance's passkey stage is {result.Passkey?.Stage ?? InstancePasskeyView.None}"),
        PasskeyCommandOutcome.Superseded => ApiErrors.InstanceChangedElsewhere(),
        _ => throw new InvalidOperationException($"Unexpected passkey outcome {result.Outcome}."),
    };

    private static string FirstSentence(string message)
    {
        // ArgumentException appends " (Parameter '…')"; the property is named separately.
        var cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static IResult Json<T>(T value) => Results.Json(value, ApiJson.Options);
}

/// <summary>The body of the confirm route.</summary>
public sealed record PasskeyConfirmRequest(string? Code);
