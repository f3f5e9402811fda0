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

/// <summary><c>{state, statusReason}</c>.</summary>
public sealed record ConnectionStateResponse(string State, int StatusReason)
{
    public static ConnectionStateResponse From(InstanceConnectionView view) => new(view.State.ToText(), view.StatusReason);
}

/// <summary>CodeChat's logout answer.</summary>
public sealed record LogoutResponse(bool Error, string Message);
