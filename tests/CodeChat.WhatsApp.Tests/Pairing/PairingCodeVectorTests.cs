using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Pairing;
using CodeChat.WhatsApp.ServerSide;
using CodeChat.WhatsApp.Tests.Crypto;
using static CodeChat.WhatsApp.Tests.Pairing.PairingVectorKeys;

namespace CodeChat.WhatsApp.Tests.Pairing;

/// <summary>Pairing-code flow against vectors.json code.* (whatsapp-protocol.md §12.5, §4.4).</summary>
public class PairingCodeVectorTests
{
    private static readonly byte[] CompanionSalt = Sequence(0x00, 32);
    private static readonly byte[] CompanionIv = Sequence(0x40, 16);
    private static readonly byte[] PrimarySalt = Sequence(0x80, 32);
    private static readonly byte[] PrimaryIv = Sequence(0xC0, 16);
    private static readonly byte[] BundleSalt = Sequence(0x10, 32);
    private static readonly byte[] BundleNonce = Sequence(0x30, 12);
    private static readonly byte[] AdvRandom = Sequence(0x50, 32);

    [Fact]
    public void Code_alphabet_encoding_matches_the_vectors()
    {
        // vectors.json code.random5 → code.code, code.display, code.crockford(0000000000), code.crockford(ffffffffff).
        Assert.Equal(KnownAnswers.Text("code.code"), PairingCode.Encode(KnownAnswers.Hex("code.random5")));
        Assert.Equal(KnownAnswers.Text("code.display"), PairingCode.FormatForDisplay(KnownAnswers.Text("code.code")));
        Assert.Equal(KnownAnswers.Text("code.crockford(0000000000)"), PairingCode.Encode(new byte[5]));
        Assert.Equal(KnownAnswers.Text("code.crockford(ffffffffff)"), PairingCode.Encode(Enumerable.Repeat((byte)0xFF, 5).ToArray()));
    }

    [Fact]
    public void Generated_codes_are_valid()
    {
        var code = PairingCode.Generate();

        Assert.True(PairingCode.IsValid(code));
        Assert.False(PairingCode.IsValid("15JM-BSW"));
        Assert.False(PairingCode.IsValid("0OIU0OIU"));
    }

    [Fact]
    public void Link_code_key_matches_the_vector()
    {
        // vectors.json code.link_code_key, code.pbkdf2_salt, code.pbkdf2_iterations.
        Assert.Equal(PairingCode.Pbkdf2Iterations, (int)KnownAnswers.Number("code.pbkdf2_iterations"));
        Assert.Equal(KnownAnswers.Hex("code.pbkdf2_salt"), CompanionSalt);

        Assert.Equal(KnownAnswers.Hex("code.link_code_key"), PairingCode.DeriveLinkCodeKey(KnownAnswers.Text("code.code"), CompanionSalt));
    }

    [Fact]
    public void Both_wrapped_ephemeral_keys_match_the_vectors()
    {
        // vectors.json code.wrapped_companion_ephemeral_pub (iv code.ctr_iv), code.wrapped_primary_ephemeral_pub.
        var code = KnownAnswers.Text("code.code");
        Assert.Equal(KnownAnswers.Hex("code.ctr_iv"), CompanionIv);
        Assert.Equal(KnownAnswers.Hex("code.companion_ephemeral_pub"), Key("code-companion-ephemeral").PublicKey.Raw32.ToArray());

        Assert.Equal(
            KnownAnswers.Hex("code.wrapped_companion_ephemeral_pub"),
            PairingCode.WrapEphemeralKey(code, Key("code-companion-ephemeral").PublicKey, CompanionSalt, CompanionIv));
        var primary = new PrimaryPairingCode(code, Key("code-primary-ephemeral"), Key("primary-identity"));
        Assert.Equal(KnownAnswers.Hex("code.wrapped_primary_ephemeral_pub"), primary.WrapEphemeralKey(PrimarySalt, PrimaryIv));
        Assert.Equal(
            Key("code-companion-ephemeral").PublicKey,
            PairingCode.UnwrapEphemeralKey(code, KnownAnswers.Hex("code.wrapped_companion_ephemeral_pub")));
    }

    [Fact]
    public void Intermediate_secrets_match_the_vectors()
    {
        // vectors.json code.ephemeral_shared_secret, code.identity_shared_secret, code.key_bundle_encryption_key.
        var ephemeralShared = Key("code-companion-ephemeral").Agree(Key("code-primary-ephemeral").PublicKey);
        Assert.Equal(KnownAnswers.Hex("code.ephemeral_shared_secret"), ephemeralShared);
        Assert.Equal(KnownAnswers.Hex("code.identity_shared_secret"), Key("identity").Agree(Key("primary-identity").PublicKey));
        Assert.Equal(KnownAnswers.Hex("code.key_bundle_encryption_key"), PairingCodeKeyBundle.DeriveBundleKey(ephemeralShared, BundleSalt));
    }

    [Fact]
    public void Companion_finish_matches_the_vectors()
    {
        // vectors.json code.wrapped_key_bundle and code.adv_secret (§4.4 steps 6–10).
        var companion = new CompanionPairingCode(KnownAnswers.Text("code.code"), Key("code-companion-ephemeral"));

        var finish = companion.Finish(
            KnownAnswers.Hex("code.wrapped_primary_ephemeral_pub"), Key("primary-identity").PublicKey, Key("identity"),
            BundleSalt, BundleNonce, AdvRandom);

        Assert.Equal(KnownAnswers.Hex("code.wrapped_key_bundle"), finish.WrappedKeyBundle);
        Assert.Equal(KnownAnswers.Hex("code.adv_secret"), finish.AdvSecret);
    }

    [Fact]
    public void Phone_side_opens_the_vector_bundle_and_derives_the_same_adv_secret()
    {
        var primary = new PrimaryPairingCode(KnownAnswers.Text("code.code"), Key("code-primary-ephemeral"), Key("primary-identity"));

        var result = primary.OpenKeyBundle(KnownAnswers.Hex("code.wrapped_companion_ephemeral_pub"), KnownAnswers.Hex("code.wrapped_key_bundle"));

        Assert.Equal(Key("identity").PublicKey, result.CompanionIdentity);
        Assert.Equal(KnownAnswers.Hex("code.adv_secret"), result.AdvSecret);
    }

    [Fact]
    public void Random_round_trip_agrees_and_a_wrong_code_fails()
    {
        var companion = CompanionPairingCode.Create();
        var phoneIdentity = Curve25519KeyPairFactory();
        var companionIdentity = Curve25519KeyPairFactory();
        var phone = new PrimaryPairingCode(companion.Code, Curve25519KeyPairFactory(), phoneIdentity);
        var wrappedCompanion = companion.WrapEphemeralKey();

        var finish = companion.Finish(phone.WrapEphemeralKey(), phoneIdentity.PublicKey, companionIdentity);
        var result = phone.OpenKeyBundle(wrappedCompanion, finish.WrappedKeyBundle);

        Assert.Equal(finish.AdvSecret, result.AdvSecret);
        Assert.Equal(companionIdentity.PublicKey, result.CompanionIdentity);

        var otherCode = companion.Code == "11111111" ? "22222222" : "11111111";
        var wrongPhone = new PrimaryPairingCode(otherCode, phone.EphemeralKey, phoneIdentity);
        Assert.Throws<PairingException>(() => wrongPhone.OpenKeyBundle(wrappedCompanion, finish.WrappedKeyBundle));
    }

    [Fact]
    public void Companion_hello_and_finish_nodes_have_the_documented_shape()
    {
        // whatsapp-protocol.md §4.4 steps 4 and 11.
        var phone = Jid.Parse("15551234567@s.whatsapp.net");
        var hello = PairingNodes.CompanionHello(phone, new byte[80], new byte[32], CompanionClientType.Chrome, "Chrome (Linux)");

        Assert.Equal("companion_hello", hello.GetAttribute("stage"));
        Assert.Equal("true", hello.GetAttribute("should_show_push_notification"));
        Assert.Equal("1", hello.GetRequiredChild("companion_platform_id").Content.Text);
        Assert.Equal([0], hello.GetRequiredChild("link_code_pairing_nonce").Bytes!.Value.ToArray());
        Assert.Equal(80, hello.GetRequiredChild("link_code_pairing_wrapped_companion_ephemeral_pub").Bytes!.Value.Length);

        var finish = PairingNodes.CompanionFinish(phone, new byte[156], new byte[32], "REF");
        Assert.Equal("companion_finish", finish.GetAttribute("stage"));
        Assert.Equal("REF"u8.ToArray(), finish.GetRequiredChild("link_code_pairing_ref").Bytes!.Value.ToArray());
    }

    private static CodeChat.WhatsApp.Crypto.Curve25519KeyPair Curve25519KeyPairFactory() => CodeChat.WhatsApp.Crypto.Curve25519KeyPair.Generate();
}
