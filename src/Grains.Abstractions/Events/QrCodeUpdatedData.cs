using System.Text.Json.Serialization;

namespace CodeChat.Grains.Abstractions.Events;

/// <summary>
/// <c>qrcode.updated</c> data as the seed / v3 sends it (api-contract.md §3):
/// <c>{name, qrcode{code, base64}, count, pairingCode?}</c>, with CodeChat 1.3's own fields beside
/// ours (api-contract.md §6): 1.3 posts <c>{qrcode{instance, count, paringCode?, code, base64}}</c>
/// (src/whatsapp/services/whatsapp.service.ts, connectionUpdate, at 1.3.7 commit de8ea66), so
/// <c>qrcode.instance</c>, <c>qrcode.count</c> and <c>qrcode.paringCode</c> (1.3's spelling) are
/// here too and a 1.3 client reads the payload unchanged.
/// </summary>
public sealed record QrCodeUpdatedData(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("qrcode")] QrCodeImage QrCode,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("pairingCode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PairingCode)
{
    /// <summary>
    /// The fields that hold secrets (the QR text carries the ADV secret; a pairing code links the
    /// account), as dotted paths into <c>data</c>: what a stored event must have redacted, ours and
    /// 1.3's aliases alike. Keep in step with the properties.
    /// </summary>
    public static IReadOnlyList<string> SecretFieldPaths { get; } =
        ["qrcode.code", "qrcode.base64", "qrcode.paringCode", "pairingCode"];

    public static QrCodeUpdatedData Create(string instanceName, int count, string? code, string? base64, string? pairingCode) =>
        new(instanceName, new QrCodeImage(instanceName, count, code, base64, pairingCode), count, pairingCode);
}

/// <summary>
/// The raw QR string and the same QR as a <c>data:image/png;base64,…</c> URL, plus CodeChat 1.3's
/// <c>instance</c>, <c>count</c> and <c>paringCode</c> [sic] that its clients read from here.
/// </summary>
public sealed record QrCodeImage(
    [property: JsonPropertyName("instance")] string Instance,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("base64")] string? Base64,
    [property: JsonPropertyName("paringCode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ParingCode);
