using System.Text.Json.Serialization;

namespace CodeChat.Grains.Abstractions.Events;

/// <summary>
/// <c>qrcode.updated</c> data as the seed / v3 sends it (api-contract.md §3):
/// <c>{name, qrcode{code, base64}, count, pairingCode?}</c>.
/// </summary>
public sealed record QrCodeUpdatedData(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("qrcode")] QrCodeImage QrCode,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("pairingCode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PairingCode);

/// <summary>The raw QR string and the same QR as a <c>data:image/png;base64,…</c> URL.</summary>
public sealed record QrCodeImage(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("base64")] string? Base64);
