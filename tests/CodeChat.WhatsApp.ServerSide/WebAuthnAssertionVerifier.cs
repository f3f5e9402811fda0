using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CodeChat.WhatsApp.ServerSide;

/// <summary>
/// What a relying party checks in a WebAuthn assertion (W3C WebAuthn Level 3 §7.2 "Verifying an
/// Authentication Assertion"), as WhatsApp's server must before it continues passkey linking
/// (whatsapp-protocol.md §4.5: ES256 over authenticatorData ‖ SHA-256(clientDataJSON), the challenge and
/// type in clientDataJSON, the rpId hash in authenticatorData; and, as §7.2 step 9 requires of every
/// relying party, the origin in clientDataJSON). Written for the emulator from the
/// specification, independently of the companion code in src/WhatsApp/Pairing.
/// </summary>
public static class WebAuthnAssertionVerifier
{
    /// <summary>authenticatorData flag bit 0: the user was present (§6.1).</summary>
    private const byte UserPresent = 0x01;

    /// <summary>
    /// Null when the assertion is good; otherwise why it is not. <paramref name="assertionJson"/> is the
    /// <c>&lt;webauthn_assertion&gt;</c> content, <paramref name="credentialIdNode"/> the <c>&lt;credential_id&gt;</c> content.
    /// </summary>
    public static string? Check(
        ReadOnlySpan<byte> assertionJson,
        ReadOnlySpan<byte> credentialIdNode,
        ReadOnlySpan<byte> registeredCredentialId,
        ECDsa registeredPublicKey,
        ReadOnlySpan<byte> expectedChallenge,
        string relyingPartyId,
        string expectedOrigin)
    {
        ArgumentNullException.ThrowIfNull(registeredPublicKey);
        try
        {
            using var document = JsonDocument.Parse(assertionJson.ToArray());
            var root = document.RootElement;
            if (Text(root, "type") != "public-key")
            {
                return "type is not public-key";
            }
            var rawId = Bytes(root, "rawId");
            if (!rawId.AsSpan().SequenceEqual(credentialIdNode) || !rawId.AsSpan().SequenceEqual(registeredCredentialId))
            {
                return "unknown credential";
            }
            var response = root.GetProperty("response");
            var clientDataJson = Bytes(response, "clientDataJSON");
            var authenticatorData = Bytes(response, "authenticatorData");
            var signature = Bytes(response, "signature");

            using var clientData = JsonDocument.Parse(clientDataJson);
            if (Text(clientData.RootElement, "type") != "webauthn.get")
            {
                return "clientDataJSON.type is not webauthn.get";
            }
            var challenge = Base64Url.DecodeFromChars(Text(clientData.RootElement, "challenge"));
            if (!CryptographicOperations.FixedTimeEquals(challenge, expectedChallenge))
            {
                return "stale or foreign challenge";
            }
            if (Text(clientData.RootElement, "origin") != expectedOrigin)
            {
                return "clientDataJSON.origin is not the relying party's web origin";
            }

            // authenticatorData = rpIdHash(32) ‖ flags(1) ‖ signCount(4) ‖ …
            if (authenticatorData.Length < 37)
            {
                return "authenticatorData too short";
            }
            if (!authenticatorData.AsSpan(0, 32).SequenceEqual(SHA256.HashData(Encoding.UTF8.GetBytes(relyingPartyId))))
            {
                return "rpIdHash does not match";
            }
            if ((authenticatorData[32] & UserPresent) == 0)
            {
                return "user not present";
            }

            byte[] signed = [.. authenticatorData, .. SHA256.HashData(clientDataJson)];
            return registeredPublicKey.VerifyData(signed, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
                ? null
                : "signature does not verify";
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or CryptographicException)
        {
            return "malformed assertion: " + exception.Message;
        }
    }

    private static string Text(JsonElement parent, string name) =>
        parent.GetProperty(name).GetString() ?? throw new FormatException(name + " is null");

    private static byte[] Bytes(JsonElement parent, string name) => Base64Url.DecodeFromChars(Text(parent, name));
}
