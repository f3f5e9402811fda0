using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Pairing;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.ServerSide;
using CodeChat.WhatsApp.Tests.Crypto;
using Google.Protobuf;
using static CodeChat.WhatsApp.Tests.Pairing.PairingVectorKeys;

namespace CodeChat.WhatsApp.Tests.Pairing;

/// <summary>QR string and pair-success against vectors.json pair.* (whatsapp-protocol.md §12.4, §4.2–4.3).</summary>
public class PairSuccessVectorTests
{
    private static readonly ADVDeviceIdentity VectorDetails = new() { RawID = 1234567, Timestamp = 1700000000, KeyIndex = 5 };

    [Fact]
    public void Qr_string_matches_the_vector()
    {
        // vectors.json pair.qr_string and pair.adv_secret (§12.4), platform 1 = Chrome.
        var qr = PairingQrCode.Create(
            "2@AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
            Key("noise-static").PublicKey,
            Key("identity").PublicKey,
            KnownAnswers.Hex("pair.adv_secret"),
            CompanionClientType.Chrome);

        Assert.Equal(KnownAnswers.Text("pair.qr_string"), qr);
    }

    [Theory]
    [InlineData(CompanionClientType.Unknown, "0")]
    [InlineData(CompanionClientType.OtherWebClient, "9")]
    [InlineData(CompanionClientType.MacOs, "c")]
    [InlineData(CompanionClientType.Android, "e")]
    public void Client_type_ids_are_single_hex_digits(CompanionClientType type, string expected)
    {
        // whatsapp-protocol.md §4.2 platformId table.
        Assert.Equal(expected, PairingQrCode.ClientTypeId(type));
    }

    [Fact]
    public void Qr_refs_rotate_after_60_then_20_seconds()
    {
        // whatsapp-protocol.md §4.2 step 4 (pitfall P10).
        Assert.Equal(TimeSpan.FromSeconds(60), PairingQrCode.TimeoutForRef(0));
        Assert.Equal(TimeSpan.FromSeconds(20), PairingQrCode.TimeoutForRef(1));
        Assert.Equal(TimeSpan.FromSeconds(20), PairingQrCode.TimeoutForRef(5));
    }

    [Fact]
    public void Signature_messages_match_the_vectors()
    {
        // vectors.json pair.adv_device_identity_details, pair.account_signature_message, pair.device_signature_message.
        var details = KnownAnswers.Hex("pair.adv_device_identity_details");
        Assert.Equal(details, VectorDetails.ToByteArray());

        Assert.Equal(
            KnownAnswers.Hex("pair.account_signature_message"),
            DeviceIdentitySignatures.AccountSignatureMessage(details, Key("identity").PublicKey, hostedDevice: false));
        Assert.Equal(
            KnownAnswers.Hex("pair.device_signature_message"),
            DeviceIdentitySignatures.DeviceSignatureMessage(details, Key("identity").PublicKey, Key("primary-account").PublicKey));
    }

    [Fact]
    public void Phone_side_builds_the_server_identity_and_hmac_of_the_vector()
    {
        // vectors.json pair.account_signature, pair.signed_device_identity_from_server, pair.hmac,
        // pair.device_identity_hmac_container (deterministic curve25519-js signatures).
        var container = PrimaryDeviceIdentity.CreateSignedDeviceIdentity(
            Key("primary-account"), VectorDetails, Key("identity").PublicKey, KnownAnswers.Hex("pair.adv_secret"),
            ADVEncryptionType.E2Ee, deterministicSignature: true);

        var signed = ADVSignedDeviceIdentity.Parser.ParseFrom(container.Details);
        Assert.Equal(KnownAnswers.Hex("pair.account_signature"), signed.AccountSignature.ToByteArray());
        Assert.Equal(KnownAnswers.Hex("pair.signed_device_identity_from_server"), container.Details.ToByteArray());
        Assert.Equal(KnownAnswers.Hex("pair.hmac"), container.HMAC.ToByteArray());
        Assert.Equal(KnownAnswers.Hex("pair.device_identity_hmac_container"), container.ToByteArray());
    }

    [Fact]
    public void Companion_verifies_and_signs_into_the_vector_reply()
    {
        // vectors.json pair.device_identity_hmac_container → pair.device_signature_deterministic,
        // pair.reply_device_identity_proto (§4.3 steps 1–5, 7).
        var verified = CompanionDeviceIdentity.Verify(
            KnownAnswers.Hex("pair.device_identity_hmac_container"),
            KnownAnswers.Hex("pair.adv_secret"),
            Key("identity"),
            deterministicSignature: true);

        Assert.Equal(5u, verified.KeyIndex);
        Assert.Equal(1234567u, verified.Details.RawID);
        Assert.Equal(Key("primary-account").PublicKey.Raw32.ToArray(), verified.AccountSignatureKey);
        Assert.Equal(KnownAnswers.Hex("pair.device_signature_deterministic"), verified.Account.DeviceSignature.ToByteArray());
        Assert.Equal(KnownAnswers.Hex("pair.reply_device_identity_proto"), verified.CreateReplyIdentity().ToByteArray());
        Assert.True(verified.Account.HasAccountSignatureKey);
    }

    [Fact]
    public void Reply_iq_encodes_to_the_vector_bytes()
    {
        // vectors.json pair.reply_iq_binary: <iq to=@s.whatsapp.net type=result id=1234567890><pair-device-sign>…
        var verified = CompanionDeviceIdentity.Verify(
            KnownAnswers.Hex("pair.device_identity_hmac_container"), KnownAnswers.Hex("pair.adv_secret"), Key("identity"), deterministicSignature: true);

        var node = PairingNodes.PairDeviceSign("1234567890", verified.CreateReplyIdentity(), verified.KeyIndex);

        Assert.Equal(KnownAnswers.Hex("pair.reply_iq_binary"), WaBinaryEncoder.Encode(node));
    }

    [Fact]
    public void Randomized_device_signature_verifies_and_the_phone_accepts_the_reply()
    {
        var verified = CompanionDeviceIdentity.Verify(
            KnownAnswers.Hex("pair.device_identity_hmac_container"), KnownAnswers.Hex("pair.adv_secret"), Key("identity"));
        var issued = ADVSignedDeviceIdentity.Parser.ParseFrom(KnownAnswers.Hex("pair.signed_device_identity_from_server"));

        Assert.True(PrimaryDeviceIdentity.VerifyCompanionReply(
            verified.CreateReplyIdentity(), issued, Key("primary-account").PublicKey, Key("identity").PublicKey));
        Assert.False(PrimaryDeviceIdentity.VerifyCompanionReply(
            verified.CreateReplyIdentity(), issued, Key("primary-account").PublicKey, Key("noise-static").PublicKey));
    }

    [Fact]
    public void Wrong_adv_secret_is_an_hmac_mismatch()
    {
        var advSecret = KnownAnswers.Hex("pair.adv_secret");
        advSecret[0] ^= 1;

        var error = Assert.Throws<PairingException>(() =>
            CompanionDeviceIdentity.Verify(KnownAnswers.Hex("pair.device_identity_hmac_container"), advSecret, Key("identity")));

        Assert.Equal(PairingError.HmacMismatch, error.Error);
    }

    [Fact]
    public void Identity_signed_for_another_companion_is_a_signature_mismatch()
    {
        // The phone signed key.identity; a device holding another identity must refuse (§4.3 step 4).
        var error = Assert.Throws<PairingException>(() => CompanionDeviceIdentity.Verify(
            KnownAnswers.Hex("pair.device_identity_hmac_container"), KnownAnswers.Hex("pair.adv_secret"), Key("signed-prekey")));

        Assert.Equal(PairingError.SignatureMismatch, error.Error);
    }

    [Fact]
    public void Tampered_account_signature_is_a_signature_mismatch_even_with_a_valid_hmac()
    {
        var signed = ADVSignedDeviceIdentity.Parser.ParseFrom(KnownAnswers.Hex("pair.signed_device_identity_from_server"));
        var signature = signed.AccountSignature.ToByteArray();
        signature[10] ^= 0x40;
        signed.AccountSignature = ByteString.CopyFrom(signature);
        var advSecret = KnownAnswers.Hex("pair.adv_secret");
        var container = new ADVSignedDeviceIdentityHMAC
        {
            Details = signed.ToByteString(),
            HMAC = ByteString.CopyFrom(MessageAuthentication.HmacSha256(advSecret, signed.ToByteArray())),
        };

        var error = Assert.Throws<PairingException>(() => CompanionDeviceIdentity.Verify(container.ToByteArray(), advSecret, Key("identity")));

        Assert.Equal(PairingError.SignatureMismatch, error.Error);
    }

    [Fact]
    public void Hosted_accounts_prefix_the_hmac_input()
    {
        // whatsapp-protocol.md §4.3 step 2: 06 05 ‖ details when accountType == HOSTED.
        var advSecret = KnownAnswers.Hex("pair.adv_secret");
        var container = PrimaryDeviceIdentity.CreateSignedDeviceIdentity(
            Key("primary-account"), VectorDetails, Key("identity").PublicKey, advSecret, ADVEncryptionType.Hosted);

        Assert.Equal(
            MessageAuthentication.HmacSha256(advSecret, [0x06, 0x05, .. container.Details.Span]),
            container.HMAC.ToByteArray());
        Assert.Equal(5u, CompanionDeviceIdentity.Verify(container.ToByteArray(), advSecret, Key("identity")).KeyIndex);
    }

    [Fact]
    public void Pair_success_stanza_is_parsed()
    {
        var iq = new Node("iq", [new("from", Jid.ServerJid), new("type", "set"), new("id", "42"), new("xmlns", "md")],
            new Node("pair-success", default, new Node[]
            {
                new("device-identity", default, new byte[] { 1, 2, 3 }),
                new("platform", [new("name", "android")]),
                new("device", [new("jid", Jid.Parse("15551234567:12@s.whatsapp.net")), new("lid", Jid.Parse("123456789012345:12@lid"))]),
                new("biz", [new("name", "Shop")]),
            }));

        var stanza = PairSuccessStanza.Parse(WaBinaryDecoder.Decode(WaBinaryEncoder.Encode(iq)));

        Assert.Equal("42", stanza.IqId);
        Assert.Equal([1, 2, 3], stanza.DeviceIdentity.ToArray());
        Assert.Equal(Jid.Parse("15551234567:12@s.whatsapp.net"), stanza.Jid);
        Assert.Equal(Jid.Parse("123456789012345:12@lid"), stanza.Lid);
        Assert.Equal("android", stanza.Platform);
        Assert.Equal("Shop", stanza.BusinessName);
    }

    [Fact]
    public void Pair_error_has_code_and_text()
    {
        var node = PairingNodes.PairError("7", PairingError.HmacMismatch);

        Assert.Equal("error", node.GetAttribute("type"));
        Assert.Equal("401", node.GetRequiredChild("error").GetAttribute("code"));
        Assert.Equal("hmac-mismatch", node.GetRequiredChild("error").GetAttribute("text"));
    }
}
