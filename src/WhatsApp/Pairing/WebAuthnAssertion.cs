using System.Buffers.Text;
using System.Text.Json;

namespace CodeChat.WhatsApp.Pairing;

/// <summary>
/// A WebAuthn assertion in the shape a browser's <c>PublicKeyCredential.toJSON()</c> gives it:
/// <c>{id, rawId, type, response:{clientDataJSON, authenticatorData, signature, userHandle}}</c> with the
/// binary members base64url without padding (W3C WebAuthn Level 3 §5.1 <c>AuthenticationResponseJSON</c>).
/// <see cref="ToWireJson"/> is the form WhatsApp receives in <c>&lt;webauthn_assertion&gt;</c>: exactly
/// these members, as whatsmeow's <c>WebAuthnResponse</c> (types/passkey.go) marshals them — the
/// browser-only members (<c>authenticatorAttachment</c>, <c>clientExtensionResults</c>) are dropped.
/// </summary>
public sealed class WebAuthnAssertion
{
    public const string PublicKeyType = "public-key";

    public WebAuthnAssertion(string id, byte[] rawId, byte[] clientDataJson, byte[] authenticatorData, byte[] signature, byte[]? userHandle)
    {
        Id = id;
        RawId = rawId;
        ClientDataJson = clientDataJson;
        AuthenticatorData = authenticatorData;
        Signature = signature;
        UserHandle = userHandle;
    }

    public string Id { get; }

    /// <summary>The credential id; sent as <c>&lt;credential_id&gt;</c>.</summary>
    public byte[] RawId { get; }

    public byte[] ClientDataJson { get; }

    public byte[] AuthenticatorData { get; }

    public byte[] Signature { get; }

    public byte[]? UserHandle { get; }

    /// <summary>
    /// Reads the toJSON() shape. A missing or malformed member throws <see cref="ArgumentException"/>
    /// whose <see cref="ArgumentException.ParamName"/> is that member's path (e.g. <c>response.signature</c>).
    /// </summary>
    public static WebAuthnAssertion FromJson(JsonElement credential)
    {
        if (credential.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("The assertion must be a JSON object (PublicKeyCredential.toJSON()).", "credential");
        }
        var id = RequiredString(credential, "id", "id");
        var rawId = RequiredBytes(credential, "rawId", "rawId");
        if (!string.Equals(id, Base64Url.EncodeToString(rawId), StringComparison.Ordinal))
        {
            throw new ArgumentException("id must be rawId in base64url.", "id");
        }
        if (RequiredString(credential, "type", "type") != PublicKeyType)
        {
            throw new ArgumentException($"type must be \"{PublicKeyType}\".", "type");
        }
        if (!credential.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("response is required (an object).", "response");
        }
        var clientData = RequiredBytes(response, "clientDataJSON", "response.clientDataJSON");
        var authenticatorData = RequiredBytes(response, "authenticatorData", "response.authenticatorData");
        var signature = RequiredBytes(response, "signature", "response.signature");
        byte[]? userHandle = null;
        if (response.TryGetProperty("userHandle", out var handle) && handle.ValueKind != JsonValueKind.Null)
        {
            userHandle = RequiredBytes(response, "userHandle", "response.userHandle");
        }
        return new WebAuthnAssertion(id, rawId, clientData, authenticatorData, signature, userHandle);
    }

    /// <summary>The JSON bytes for <c>&lt;webauthn_assertion&gt;</c>.</summary>
    public byte[] ToWireJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", Id);
            writer.WriteString("rawId", Base64Url.EncodeToString(RawId));
            writer.WriteString("type", PublicKeyType);
            writer.WriteStartObject("response");
            writer.WriteString("clientDataJSON", Base64Url.EncodeToString(ClientDataJson));
            writer.WriteString("authenticatorData", Base64Url.EncodeToString(AuthenticatorData));
            writer.WriteString("signature", Base64Url.EncodeToString(Signature));
            if (UserHandle is null)
            {
                writer.WriteNull("userHandle");
            }
            else
            {
                writer.WriteString("userHandle", Base64Url.EncodeToString(UserHandle));
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static string RequiredString(JsonElement parent, string name, string path) =>
        parent.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } text
            ? text
            : throw new ArgumentException($"{path} is required (a non-empty string).", path);

    private static byte[] RequiredBytes(JsonElement parent, string name, string path)
    {
        var text = RequiredString(parent, name, path);
        try
        {
            var bytes = Base64Url.DecodeFromChars(text);
            return bytes.Length > 0 ? bytes : throw new ArgumentException($"{path} is empty.", path);
        }
        catch (FormatException exception)
        {
            throw new ArgumentException($"{path} must be base64url.", path, exception);
        }
    }
}
