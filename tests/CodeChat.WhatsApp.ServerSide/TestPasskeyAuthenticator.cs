using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CodeChat.WhatsApp.ServerSide;

/// <summary>
/// Plays a WebAuthn authenticator and the browser around it for passkey-linking tests (the account
/// owner's side, kept here beside the server side it talks to): one ES256 (P-256)
/// credential, and assertions in the shape <c>PublicKeyCredential.toJSON()</c> returns (W3C WebAuthn
/// Level 3 §5.1 AuthenticationResponseJSON): clientDataJSON with type <c>webauthn.get</c>, the challenge
/// and the origin (§5.8.1); authenticatorData = SHA-256(rpId) ‖ flags (UP|UV) ‖ signCount (§6.1); the
/// signature DER-encoded ECDSA over authenticatorData ‖ SHA-256(clientDataJSON) (§6.3.3 step 11).
/// </summary>
public sealed class TestPasskeyAuthenticator : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private uint _signCount;

    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(16);

    public byte[] UserHandle { get; } = RandomNumberGenerator.GetBytes(8);

    /// <summary>What the relying party (the emulator) registers.</summary>
    public ECParameters PublicKey => _key.ExportParameters(includePrivateParameters: false);

    /// <summary>Signs the challenge of <paramref name="optionsJson"/> (WebAuthn request options) as the browser on <paramref name="origin"/> would ask.</summary>
    public string Assert(string optionsJson, string origin = "https://web.whatsapp.com")
    {
        using var options = JsonDocument.Parse(optionsJson);
        var challenge = options.RootElement.GetProperty("challenge").GetString()!;
        var rpId = options.RootElement.GetProperty("rpId").GetString()!;
        return Assert(challenge, rpId, origin);
    }

    /// <summary>An assertion over an explicit (base64url) challenge and rpId; tests use it for stale challenges.</summary>
    public string Assert(string challenge, string rpId, string origin, ECDsa? signWith = null)
    {
        var clientData = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type = "webauthn.get", challenge, origin, crossOrigin = false }));
        var count = ++_signCount;
        byte[] authenticatorData = [.. SHA256.HashData(Encoding.UTF8.GetBytes(rpId)), 0x05, (byte)(count >> 24), (byte)(count >> 16), (byte)(count >> 8), (byte)count];
        byte[] signed = [.. authenticatorData, .. SHA256.HashData(clientData)];
        var signature = (signWith ?? _key).SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return JsonSerializer.Serialize(new
        {
            id = Base64Url.EncodeToString(CredentialId),
            rawId = Base64Url.EncodeToString(CredentialId),
            type = "public-key",
            authenticatorAttachment = "platform",
            clientExtensionResults = new { },
            response = new
            {
                clientDataJSON = Base64Url.EncodeToString(clientData),
                authenticatorData = Base64Url.EncodeToString(authenticatorData),
                signature = Base64Url.EncodeToString(signature),
                userHandle = Base64Url.EncodeToString(UserHandle),
            },
        });
    }

    public void Dispose() => _key.Dispose();
}
