using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Json;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.WhatsApp.Binary;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Instances;

/// <summary>The <c>/instance</c> routes of the WhatsApp session (codechat-api.md §3): connect, state, logout.</summary>
public static class InstanceSessionEndpoints
{
    /// <summary>How long connect waits for the first QR, as CodeChat does.</summary>
    public static readonly TimeSpan QrWait = TimeSpan.FromSeconds(3);

    /// <summary>A pairing code needs the handshake, the server's pair-device and one iq round trip.</summary>
    public static readonly TimeSpan PairingCodeWait = TimeSpan.FromSeconds(20);

    private const string QrExample =
        """{"count":1,"code":"https://wa.me/settings/linked_devices#2@AbCd…,Xq…=,Yw…=,Zm…=,1","base64":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA…"}""";

    public static IEndpointRouteBuilder MapInstanceSessionEndpoints(this IEndpointRouteBuilder routes)
    {
        var named = routes.MapInstanceRouteGroup("/instance", "Instance");

        named.MapGet("/connect/{instanceName}", ConnectAsync)
            .WithName("connectInstance")
            .WithSummary("Connect to WhatsApp: returns the QR object (waits up to 3 s for the first QR); ?number= links by pairing code instead")
            .Produces<QrCodeResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, QrExample))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        named.MapGet("/connect/{instanceName}/code/{phoneNumber}", PairingCodeAsync)
            .WithName("connectInstanceWithPairingCode")
            .WithSummary("Link by phone number: returns the 8-character code (no dash, as CodeChat 1.3) to type on the phone (Linked devices → Link with phone number)")
            .Produces<PairingCodeResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, """{"code":"ABCD1234"}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        named.MapGet("/connectionState/{instanceName}", ConnectionStateAsync)
            .WithName("connectionState")
            .WithSummary("The WhatsApp connection state: open, connecting, close or refused, with the reason code")
            .Produces<ConnectionStateResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, """{"state":"open","statusReason":200}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        named.MapDelete("/logout/{instanceName}", LogoutAsync)
            .WithName("logoutInstance")
            .WithSummary("Unlink this device from the WhatsApp account and wipe its keys; connect again for a new QR")
            .Produces<LogoutResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, """{"error":false,"message":"Instance logged out"}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        return routes;
    }

    private static async Task<IResult> ConnectAsync(
        string instanceName, [FromQuery] string? number, IGrainFactory grains, CancellationToken cancellationToken)
    {
        string? phoneNumber = null;
        if (number is not null && !PhoneNumber.TryNormalize(number, out phoneNumber))
            return ApiErrors.Invalid(new ValidationFailure("number", "Invalid format"));

        var instance = grains.GetGrain<IInstanceSessionGrain>(instanceName);
        var result = await instance.ConnectAsync(new ConnectCommand(phoneNumber), cancellationToken);
        return result.Outcome switch
        {
            ConnectOutcome.Started => Json(QrCodeResponse.From(
                await instance.WaitForCodeAsync(phoneNumber is null ? QrWait : PairingCodeWait, cancellationToken))),
            ConnectOutcome.Connecting => Json(QrCodeResponse.From(result.QrCode ?? InstanceQrCode.None)),
            ConnectOutcome.NotStarted => Json(ConnectionStateResponse.From(result.Connection!)),
            ConnectOutcome.AlreadyOpen => ApiErrors.Of(StatusCodes.Status400BadRequest, "Instance already connected"),
            ConnectOutcome.NotFound => ApiErrors.InstanceNotFound(),
            _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome} connecting an instance."),
        };
    }

    private static async Task<IResult> PairingCodeAsync(
        string instanceName, string phoneNumber, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!PhoneNumber.TryNormalize(phoneNumber, out var digits))
            return ApiErrors.Of(StatusCodes.Status400BadRequest, "phoneNumber required");

        var instance = grains.GetGrain<IInstanceSessionGrain>(instanceName);
        var result = await instance.ConnectAsync(new ConnectCommand(digits), cancellationToken);
        switch (result.Outcome)
        {
            case ConnectOutcome.NotFound:
                return ApiErrors.InstanceNotFound();
            case ConnectOutcome.AlreadyOpen:
                return ApiErrors.Of(StatusCodes.Status400BadRequest, "Instance already connected");
            case ConnectOutcome.NotStarted:
                return Json(ConnectionStateResponse.From(result.Connection!));
            case ConnectOutcome.Connecting when result.QrCode?.PairingCode is { } existing:
                return Json(new PairingCodeResponse(existing));
        }

        var qr = await instance.WaitForCodeAsync(PairingCodeWait, cancellationToken);
        if (qr.PairingCode is { } code)
            return Json(new PairingCodeResponse(code));
        // No code (the server refused the number, or the connection failed): say where the session is.
        var state = await instance.GetConnectionStateAsync(cancellationToken);
        return state is null ? ApiErrors.InstanceNotFound() : Json(ConnectionStateResponse.From(state));
    }

    private static async Task<IResult> ConnectionStateAsync(string instanceName, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var state = await grains.GetGrain<IInstanceSessionGrain>(instanceName).GetConnectionStateAsync(cancellationToken);
        return state is null ? ApiErrors.InstanceNotFound() : Json(ConnectionStateResponse.From(state));
    }

    private static async Task<IResult> LogoutAsync(string instanceName, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var result = await grains.GetGrain<IInstanceSessionGrain>(instanceName).LogoutAsync(cancellationToken);
        return result.Outcome switch
        {
            InstanceCommandOutcome.Succeeded => Json(new LogoutResponse(false, "Instance logged out")),
            InstanceCommandOutcome.NotFound => ApiErrors.InstanceNotFound(),
            InstanceCommandOutcome.Superseded => ApiErrors.InstanceChangedElsewhere(),
            _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome} logging an instance out."),
        };
    }

    private static IResult Json<T>(T value) => Results.Json(value, ApiJson.Options);
}
