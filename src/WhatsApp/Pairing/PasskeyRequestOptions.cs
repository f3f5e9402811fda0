using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace CodeChat.WhatsApp.Pairing;

/// <summary>
/// The WebAuthn request options WhatsApp sends in <c>&lt;passkey_request_options&gt;</c>
/// (whatsapp-protocol.md §4.5 step 1; shape from whatsmeow types/passkey.go <c>WebAuthnPublicKey</c>):
/// <c>{challenge, timeout, rpId, allowCredentials:[{id, type, transports}], userVerification, extensions}</c>,
/// binary values base64url without padding. <see cref="Json"/> is kept exactly as received so a browser
/// gets every member, including ones we do not read.
/// </summary>
public sealed class PasskeyRequestOptions
{
    private PasskeyRequestOptions(string json, byte[] challenge, string relyingPartyId, int? timeoutMilliseconds)
    {
        Json = json;
        Challenge = challenge;
        RelyingPartyId = relyingPartyId;
        TimeoutMilliseconds = timeoutMilliseconds;
    }

    /// <summary>The options as WhatsApp sent them (UTF-8 JSON text).</summary>
    public string Json { get; }

    /// <summary>The challenge the assertion must sign (decoded).</summary>
    public ReadOnlyMemory<byte> Challenge { get; }

    /// <summary>The relying party (the web origin's domain) the passkey belongs to.</summary>
    public string RelyingPartyId { get; }

    public int? TimeoutMilliseconds { get; }

    /// <summary>Parses the node content; throws <see cref="PairingException"/> when it is not usable options.</summary>
    public static PasskeyRequestOptions Parse(ReadOnlySpan<byte> utf8Json)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(utf8Json);
        }
        catch (DecoderFallbackException exception)
        {
            throw new PairingException(PairingError.InternalError, "The passkey request options are not UTF-8.", exception);
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PairingException(PairingError.InternalError, "The passkey request options are not a JSON object.");
            }
            var challengeText = root.TryGetProperty("challenge", out var challengeElement) && challengeElement.ValueKind == JsonValueKind.String
                ? challengeElement.GetString()!
                : throw new PairingException(PairingError.InternalError, "The passkey request options have no challenge.");
            byte[] challenge;
            try
            {
                challenge = Base64Url.DecodeFromChars(challengeText);
            }
            catch (FormatException exception)
            {
                throw new PairingException(PairingError.InternalError, "The passkey challenge is not base64url.", exception);
            }
            if (challenge.Length == 0)
            {
                throw new PairingException(PairingError.InternalError, "The passkey challenge is empty.");
            }
            var relyingPartyId = root.TryGetProperty("rpId", out var rpElement) && rpElement.ValueKind == JsonValueKind.String
                ? rpElement.GetString()!
                : throw new PairingException(PairingError.InternalError, "The passkey request options have no rpId.");
            int? timeout = root.TryGetProperty("timeout", out var timeoutElement) && timeoutElement.TryGetInt32(out var milliseconds)
                ? milliseconds
                : null;
            return new PasskeyRequestOptions(text, challenge, relyingPartyId, timeout);
        }
        catch (JsonException exception)
        {
            throw new PairingException(PairingError.InternalError, "The passkey request options are not JSON.", exception);
        }
    }

    /// <summary>Describes the options without the challenge.</summary>
    public override string ToString() => $"PasskeyRequestOptions(rpId {RelyingPartyId})";
}
