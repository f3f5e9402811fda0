using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeChat.Grains.Abstractions.Events;

/// <summary>
/// <c>passkey.request</c> (our extension, issue 15): WhatsApp wants the account's passkey before it links
/// this instance. <see cref="PublicKey"/> is WhatsApp's WebAuthn request options, as received, for
/// <c>navigator.credentials.get({publicKey})</c> in a browser on WhatsApp Web's origin;
/// <see cref="AnswerPath"/> is where the browser posts the assertion.
/// </summary>
public sealed record PasskeyRequestData(
    [property: JsonPropertyName("instance")] string Instance,
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("publicKey")] JsonElement PublicKey,
    [property: JsonPropertyName("expiresAt")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("answerPath")] string AnswerPath);

/// <summary>
/// <c>passkey.confirmation</c>: the phone shows <see cref="Code"/> too; compare and confirm at
/// <see cref="ConfirmPath"/> (with <see cref="SkipHandoff"/> the comparison may be skipped).
/// </summary>
public sealed record PasskeyConfirmationData(
    [property: JsonPropertyName("instance")] string Instance,
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("skipHandoff")] bool SkipHandoff,
    [property: JsonPropertyName("confirmPath")] string ConfirmPath)
{
    /// <summary>Dotted paths into <c>data</c> that the redactor nulls once delivered (the code links nothing alone, but is shown to users only).</summary>
    public static IReadOnlyList<string> SecretFieldPaths { get; } = ["code"];
}

/// <summary>
/// <c>passkey.error</c>: the passkey linking failed and the instance is not linked; <see cref="Reason"/> is
/// <c>assertion_refused</c>, <c>code_mismatch</c>, <c>timeout</c> or <c>failed</c>. Connect again for a new QR.
/// </summary>
public sealed record PasskeyErrorData(
    [property: JsonPropertyName("instance")] string Instance,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("message")] string Message);
