using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Pairing;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.ServerSide;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Tests.Pairing;

/// <summary>
/// Passkey linking primitives (whatsapp-protocol.md §4.5). No upstream publishes vectors for this flow
/// (whatsmeow's pair-passkey.go has no tests), so the fixed-input answers below were computed
/// independently with Python's hashlib/hmac (HKDF written out from RFC 5869) and the byte layouts from the
/// field numbers in §4.5; the X25519 keys are RFC 7748 §6.1's (Alice = companion ephemeral, Bob = the
/// phone's). Every step is also run against the emulator's independent server side (PrimaryPasskeyLinking,
/// WebAuthnAssertionVerifier).
/// </summary>
public class PasskeyLinkingTests
{
    private static readonly byte[] AlicePrivate = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static readonly byte[] BobPrivate = Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    private static readonly byte[] CompanionNonce = Enumerable.Repeat((byte)0x11, 32).ToArray();
    private static readonly byte[] PrimaryNonce = [.. Enumerable.Range(0xA0, 32).Select(i => (byte)i)];

    [Fact]
    public void Handoff_key_and_proof_match_the_independently_computed_answers()
    {
        var advSecret = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var handoff = PasskeyHandoffKey.Derive(advSecret, DateTimeOffset.UnixEpoch);

        // Python: HKDF-SHA256(ikm = 00..1f, no salt, info "shortcake-passkey-handoff-v1", 32).
        Assert.Equal("bf71b722a793d4f9d2c8e46ad45266621b5d4c5273cca92d93068648346c10a5", Convert.ToHexStringLower(handoff.Key));
        Assert.Equal("3c67ff382053adebd4aad2e88460fb8568d953e354728940628e2628c4376654",
            Convert.ToHexStringLower(handoff.Prove(Convert.FromHexString("0a03010203"))));
    }

    [Fact]
    public void Handoff_key_is_valid_for_five_minutes()
    {
        var start = new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero);
        var handoff = PasskeyHandoffKey.Derive(new byte[32], start);

        Assert.True(handoff.IsValidAt(start + TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1)));
        Assert.False(handoff.IsValidAt(start + TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Prologue_payload_has_the_documented_byte_layout()
    {
        var link = new CompanionPasskeyLink(Curve25519KeyPair.FromPrivateKey(AlicePrivate), CompanionNonce, "2@abc", DeviceProps.Types.PlatformType.Desktop);

        // CompanionEphemeralIdentity{1: Alice's public key, 2: DESKTOP (7), 3: "2@abc"}.
        Assert.Equal("0a208520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a10071a053240616263", Convert.ToHexStringLower(link.EphemeralIdentity));
        // SHA-256(ident ‖ nonce), then ProloguePayload{1: ident, 2: CompanionCommitment{1: hash}}.
        Assert.Equal("6f32306a526624bdf9203eb8ef8cad8179fb8adb1a143a71735341ae098e6a81", Convert.ToHexStringLower(link.Commitment));
        Assert.Equal(
            "0a2b0a208520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a10071a05324061626312220a206f32306a526624bdf9203eb8ef8cad8179fb8adb1a143a71735341ae098e6a81",
            Convert.ToHexStringLower(link.ProloguePayload));
    }

    [Fact]
    public void Continuation_derives_the_documented_key_and_confirmation_code()
    {
        var link = new CompanionPasskeyLink(Curve25519KeyPair.FromPrivateKey(AlicePrivate), CompanionNonce, "2@abc", DeviceProps.Types.PlatformType.Desktop);
        var bob = Curve25519KeyPair.FromPrivateKey(BobPrivate);
        var primary = new PrimaryEphemeralIdentity
        {
            PublicKey = Google.Protobuf.ByteString.CopyFrom(bob.PublicKey.Raw32.Span),
            Nonce = Google.Protobuf.ByteString.CopyFrom(PrimaryNonce),
        };

        var continuation = link.Continue(primary.ToByteArray());

        Assert.Equal("Companion Pairing 7 with ref 2@abc", CompanionPasskeyLink.KeySalt(DeviceProps.Types.PlatformType.Desktop, "2@abc"));
        // Python: HKDF(RFC 7748 shared secret 4a5d9d5b…, salt "Companion Pairing 7 with ref 2@abc", info "Pairing Information Encryption Key").
        Assert.Equal("72f47363aec11f75c1acdcd3d388a8ee7239403c94d8153f8898a0b84d7abd78", Convert.ToHexStringLower(continuation.EncryptionKey));
        // Python: SHA-256(companion nonce ‖ Bob's public key), XOR with the phone nonce, 5 bytes in the pairing-code alphabet.
        Assert.Equal("XKXPRP37", continuation.Code);
    }

    [Fact]
    public void Continuation_rejects_keys_and_nonces_of_the_wrong_length()
    {
        var link = CompanionPasskeyLink.Create("2@abc", DeviceProps.Types.PlatformType.Chrome);
        var shortNonce = new PrimaryEphemeralIdentity
        {
            PublicKey = Google.Protobuf.ByteString.CopyFrom(Curve25519KeyPair.Generate().PublicKey.Raw32.Span),
            Nonce = Google.Protobuf.ByteString.CopyFrom(new byte[31]),
        };

        Assert.Throws<PairingException>(() => link.Continue(shortNonce.ToByteArray()));
        Assert.Throws<PairingException>(() => link.Continue([0xFF, 0xFF]));
    }

    [Fact]
    public void Companion_and_the_independent_phone_side_agree_on_code_key_and_pairing_request()
    {
        var advSecretFromQr = RandomNumberGenerator.GetBytes(32);
        var handoff = PasskeyHandoffKey.Derive(advSecretFromQr, DateTimeOffset.UtcNow);
        var link = CompanionPasskeyLink.Create("2@ref-from-server", DeviceProps.Types.PlatformType.Chrome);
        var phone = new PrimaryPasskeyLinking(advSecretFromQr, "2@ref-from-server");

        Assert.Null(phone.AcceptPrologue(link.ProloguePayload, handoff.Prove(link.ProloguePayload), proofPresent: true));
        Assert.True(phone.HandoffProven);
        var continuation = link.Continue(phone.CreateContinuation());
        Assert.Null(phone.AcceptNonce(link.Nonce.Span));
        Assert.Equal(phone.ConfirmationCode, continuation.Code);

        var noise = RandomNumberGenerator.GetBytes(32);
        var identity = RandomNumberGenerator.GetBytes(32);
        var newAdvSecret = RandomNumberGenerator.GetBytes(32);
        var sealedRequest = CompanionPasskeyLink.SealPairingRequest(continuation.EncryptionKey, noise, identity, newAdvSecret, RandomNumberGenerator.GetBytes(12));
        var opened = phone.OpenPairingRequest(sealedRequest);

        Assert.Equal(noise, opened.CompanionPublicKey.ToByteArray());
        Assert.Equal(identity, opened.CompanionIdentityKey.ToByteArray());
        Assert.Equal(newAdvSecret, opened.AdvSecret.ToByteArray());
    }

    [Fact]
    public void The_phone_side_refuses_a_wrong_proof_a_wrong_ref_and_a_nonce_that_breaks_the_commitment()
    {
        var advSecret = RandomNumberGenerator.GetBytes(32);
        var link = CompanionPasskeyLink.Create("2@ref", DeviceProps.Types.PlatformType.Chrome);
        var otherProof = PasskeyHandoffKey.Derive(RandomNumberGenerator.GetBytes(32), DateTimeOffset.UtcNow).Prove(link.ProloguePayload);

        Assert.NotNull(new PrimaryPasskeyLinking(advSecret, "2@ref").AcceptPrologue(link.ProloguePayload, otherProof, proofPresent: true));
        Assert.NotNull(new PrimaryPasskeyLinking(advSecret, "2@other").AcceptPrologue(link.ProloguePayload, [], proofPresent: false));

        var phone = new PrimaryPasskeyLinking(advSecret, "2@ref");
        Assert.Null(phone.AcceptPrologue(link.ProloguePayload, [], proofPresent: false));
        Assert.False(phone.HandoffProven);
        phone.CreateContinuation();
        Assert.NotNull(phone.AcceptNonce(RandomNumberGenerator.GetBytes(32)));
    }

    [Fact]
    public void A_pairing_request_sealed_under_another_key_does_not_open()
    {
        var advSecret = RandomNumberGenerator.GetBytes(32);
        var link = CompanionPasskeyLink.Create("2@ref", DeviceProps.Types.PlatformType.Chrome);
        var phone = new PrimaryPasskeyLinking(advSecret, "2@ref");
        Assert.Null(phone.AcceptPrologue(link.ProloguePayload, [], proofPresent: false));
        link.Continue(phone.CreateContinuation());
        Assert.Null(phone.AcceptNonce(link.Nonce.Span));

        var wrongKey = RandomNumberGenerator.GetBytes(32);
        var sealedRequest = CompanionPasskeyLink.SealPairingRequest(wrongKey, new byte[32], new byte[32], new byte[32], RandomNumberGenerator.GetBytes(12));

        Assert.ThrowsAny<CryptographicException>(() => phone.OpenPairingRequest(sealedRequest));
    }

    [Fact]
    public void Browser_assertion_round_trips_to_the_wire_form_the_relying_party_verifies()
    {
        using var authenticator = new TestPasskeyAuthenticator();
        var challenge = RandomNumberGenerator.GetBytes(32);
        var options = $$$"""{"challenge":"{{{System.Buffers.Text.Base64Url.EncodeToString(challenge)}}}","timeout":300000,"rpId":"whatsapp.com","allowCredentials":[],"userVerification":"preferred","extensions":{}}""";
        var parsedOptions = PasskeyRequestOptions.Parse(Encoding.UTF8.GetBytes(options));
        Assert.Equal(challenge, parsedOptions.Challenge.ToArray());
        Assert.Equal("whatsapp.com", parsedOptions.RelyingPartyId);
        Assert.Equal(300000, parsedOptions.TimeoutMilliseconds);

        using var json = JsonDocument.Parse(authenticator.Assert(options));
        var assertion = WebAuthnAssertion.FromJson(json.RootElement);
        var wire = assertion.ToWireJson();

        // Exactly whatsmeow's WebAuthnResponse members: the browser-only ones are dropped.
        using var wireJson = JsonDocument.Parse(wire);
        Assert.Equal(["id", "rawId", "type", "response"], wireJson.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["clientDataJSON", "authenticatorData", "signature", "userHandle"], wireJson.RootElement.GetProperty("response").EnumerateObject().Select(p => p.Name));
        using var key = ECDsa.Create(authenticator.PublicKey);
        Assert.Null(WebAuthnAssertionVerifier.Check(wire, assertion.RawId, authenticator.CredentialId, key, challenge, "whatsapp.com", "https://web.whatsapp.com"));
        Assert.NotNull(WebAuthnAssertionVerifier.Check(wire, assertion.RawId, authenticator.CredentialId, key, RandomNumberGenerator.GetBytes(32), "whatsapp.com", "https://web.whatsapp.com"));
        Assert.NotNull(WebAuthnAssertionVerifier.Check(wire, assertion.RawId, authenticator.CredentialId, key, challenge, "example.com", "https://web.whatsapp.com"));
        // Signed for another web origin (a phishing page) is refused although the key and rpId hash fit.
        Assert.NotNull(WebAuthnAssertionVerifier.Check(wire, assertion.RawId, authenticator.CredentialId, key, challenge, "whatsapp.com", "https://web.whatsapp.com.evil.example"));
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.NotNull(WebAuthnAssertionVerifier.Check(wire, assertion.RawId, authenticator.CredentialId, otherKey, challenge, "whatsapp.com", "https://web.whatsapp.com"));
    }

    [Theory]
    [InlineData("""{"rawId":"AQI","type":"public-key","response":{}}""", "id")]
    [InlineData("""{"id":"AQI","rawId":"AQI","type":"password","response":{}}""", "type")]
    [InlineData("""{"id":"AQM","rawId":"AQI","type":"public-key","response":{}}""", "id")]
    [InlineData("""{"id":"AQI","rawId":"AQI","type":"public-key"}""", "response")]
    [InlineData("""{"id":"AQI","rawId":"AQI","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AQ","signature":"%%"}}""", "response.signature")]
    [InlineData("""{"id":"AQI","rawId":"AQI","type":"public-key","response":{"clientDataJSON":"e30","signature":"AQ"}}""", "response.authenticatorData")]
    public void Malformed_assertions_name_the_member(string json, string member)
    {
        using var document = JsonDocument.Parse(json);

        var error = Assert.Throws<ArgumentException>(() => WebAuthnAssertion.FromJson(document.RootElement));

        Assert.Equal(member, error.ParamName);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"rpId":"whatsapp.com"}""")]
    [InlineData("""{"challenge":"","rpId":"whatsapp.com"}""")]
    [InlineData("""{"challenge":"AQID"}""")]
    public void Unusable_request_options_are_refused(string json) =>
        Assert.Throws<PairingException>(() => PasskeyRequestOptions.Parse(Encoding.UTF8.GetBytes(json)));
}
