using System.Text.Json.Serialization;
using CodeChat.Grains.Abstractions.Instances;

namespace CodeChat.Api.Instances;

/// <summary>
/// CodeChat's QR object (codechat-api.md §3, §7.3). The pairing code is given under CodeChat 1.3's
/// own spelling <c>paringCode</c> too, so clients written against it keep working.
/// </summary>
public sealed record QrCodeResponse(
    int Count,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Base64,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PairingCode,
    [property: JsonPropertyName("paringCode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ParingCode)
{
    public static QrCodeResponse From(InstanceQrCode qr) => new(qr.Count, qr.Code, qr.Base64, qr.PairingCode, qr.PairingCode);
}

/// <summary>The answer of the pairing-code route: the code to type on the phone.</summary>
public sealed record PairingCodeResponse(string Code);

/// <summary><c>{state, statusReason}</c>, plus <c>passkey</c> (our extension) while a passkey linking lasts.</summary>
public sealed record ConnectionStateResponse(
    string State,
    int StatusReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Passkey = null)
{
    public static ConnectionStateResponse From(InstanceConnectionView view) => new(view.State.ToText(), view.StatusReason, view.PasskeyStage);
}

/// <summary>
/// The passkey stage (our extension): <c>stage</c>; with <c>awaiting_assertion</c> WhatsApp's WebAuthn request
/// options as <c>publicKey</c> (pass them to <c>navigator.credentials.get({publicKey})</c>, binary members as
/// base64url); with <c>awaiting_confirmation</c> the <c>code</c> and <c>skipHandoff</c>; <c>expiresAt</c> ends the linking.
/// </summary>
public sealed record PasskeyStateResponse(
    string Stage,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] System.Text.Json.JsonElement? PublicKey,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? SkipHandoff,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ExpiresAt)
{
    public static PasskeyStateResponse From(InstancePasskeyView view)
    {
        System.Text.Json.JsonElement? options = null;
        if (view.OptionsJson is { } json)
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            options = document.RootElement.Clone();
        }
        return new(view.Stage, options, view.Code,
            view.Stage == InstancePasskeyView.AwaitingConfirmation ? view.SkipHandoff : null, view.ExpiresAt);
    }
}

/// <summary>CodeChat's logout answer.</summary>
public sealed record LogoutResponse(bool Error, string Message);
