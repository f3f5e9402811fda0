using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>
/// Known answers for the 1:1 Signal core from vectors.json (whatsapp-protocol.md §12.1 (d)–(f):
/// BaileysCSharp.Tests TestMessageEncrypt, TestDecodeWhisperMessage and TestInitOutgoing captured
/// data; the "(derived)" values were computed by the doc's independent Python implementation).
/// </summary>
public class SignalVectorTests
{
    [Fact]
    public void Chain_step_and_message_keys_match_the_ratchet_encrypt_vector()
    {
        // §12.1 (d): messageKeySeed = HMAC(chainKey, 01); keys = DeriveSecrets(seed, 0×32, "WhisperMessageKeys").
        var chainKey = Hex("bcs.ratchet_encrypt.sending_chain_key(counter=-1)");
        var seed = SignalKdf.MessageKeySeed(chainKey);
        Assert.Equal(Hex("bcs.ratchet_encrypt.message_key_seed(derived)"), seed);

        var keys = SignalKdf.DeriveMessageKeys(seed);
        Assert.Equal(Hex("bcs.ratchet_encrypt.cipher_key(derived)"), keys.CipherKey.ToArray());
        Assert.Equal(Hex("bcs.ratchet_encrypt.mac_key(derived)"), keys.MacKey.ToArray());
        Assert.Equal(Hex("bcs.ratchet_encrypt.iv(derived)"), keys.Iv.ToArray());

        var afterTwo = SignalKdf.NextChainKey(SignalKdf.NextChainKey(chainKey));
        Assert.Equal(Hex("bcs.ratchet_encrypt.chain_key_after_2_msgs"), afterTwo);
    }

    [Fact]
    public void Encrypt_on_an_established_session_reproduces_the_serialized_whisper_message()
    {
        // §12.1 (d): the exact bytes, version byte 0x33, protobuf and truncated MAC.
        var record = new SessionRecord();
        var state = SessionState.CreateNew(
            Hex("bcs.ratchet_encrypt.our_identity_pub"),
            Hex("bcs.ratchet_encrypt.remote_identity"),
            localRegistrationId: 1,
            remoteRegistrationId: 2,
            baseKey33: Hex("bcs.ratchet_encrypt.sending_ratchet_pub"),
            baseKeyIsOurs: true,
            rootKey: new byte[32]);
        // The private ratchet key is not part of the vector and not used by an encrypt.
        state.SetSenderChain(Hex("bcs.ratchet_encrypt.sending_ratchet_pub"), new byte[32], Hex("bcs.ratchet_encrypt.sending_chain_key(counter=-1)"));
        state.SetPreviousCounter((uint)Number("bcs.ratchet_encrypt.previous_counter"));
        record.PromoteState(state);

        var encrypted = SessionCipher.Encrypt(record, Hex("bcs.ratchet_encrypt.plaintext_padded"));

        Assert.Equal(SignalMessageType.Whisper, encrypted.Type);
        Assert.Equal("msg", encrypted.EncType);
        Assert.Equal(Hex("bcs.ratchet_encrypt.whisper_message"), encrypted.Serialized);
        SessionCipher.Encrypt(record, [1, 2, 3]);
        Assert.Equal(Hex("bcs.ratchet_encrypt.chain_key_after_2_msgs"), record.CurrentState!.SenderChainKey.Key.ToByteArray());
    }

    [Fact]
    public void Whisper_message_vector_parses_and_its_mac_verifies_sender_identity_first()
    {
        var message = SignalMessage.Parse(Hex("bcs.ratchet_encrypt.whisper_message"));
        Assert.Equal(Hex("bcs.ratchet_encrypt.sending_ratchet_pub"), message.SenderRatchetKey.ToArray());
        Assert.Equal(0u, message.Counter);
        Assert.Equal(0u, message.PreviousCounter);

        var macKey = Hex("bcs.ratchet_encrypt.mac_key(derived)");
        var sender = Hex("bcs.ratchet_encrypt.our_identity_pub");
        var receiver = Hex("bcs.ratchet_encrypt.remote_identity");
        Assert.True(message.VerifyMac(macKey, sender, receiver));
        Assert.False(message.VerifyMac(macKey, receiver, sender));

        var keys = SignalKdf.DeriveMessageKeys(Hex("bcs.ratchet_encrypt.message_key_seed(derived)"));
        Assert.Equal(Hex("bcs.ratchet_encrypt.plaintext_padded"), AesCbcCipher.Decrypt(keys.CipherKey, keys.Iv, message.Ciphertext.Span));
    }

    [Fact]
    public void Initiator_x3dh_and_first_sending_ratchet_match_the_init_outgoing_vector()
    {
        // §12.1 (f): bundle + fixed base and ratchet keys → root and sending chain keys.
        var ours = new LocalSignalIdentity(Curve25519KeyPair.FromPrivateKey(Hex("bcs.init_outgoing.our_identity_priv")), 1, new Dictionary<uint, Curve25519KeyPair>());
        var bundle = new PreKeyBundle(
            (uint)Number("bcs.init_outgoing.their_registration_id"),
            Curve25519PublicKey.FromBytes(Hex("bcs.init_outgoing.their_identity")),
            1,
            Curve25519PublicKey.FromBytes(Hex("bcs.init_outgoing.their_signed_prekey(id 1)")),
            Hex("bcs.init_outgoing.their_signed_prekey_signature"),
            16591268,
            Curve25519PublicKey.FromBytes(Hex("bcs.init_outgoing.their_one_time_prekey(id 16591268)")));
        var baseKey = Curve25519KeyPair.FromPrivateKey(Hex("bcs.init_outgoing.base_key_priv"));
        var ratchetKey = Curve25519KeyPair.FromPrivateKey(Hex("bcs.init_outgoing.sending_ratchet_priv"));
        Assert.Equal(Hex("bcs.init_outgoing.base_key_pub"), baseKey.PublicKey.Signal33.ToArray());
        Assert.Equal(Hex("bcs.init_outgoing.sending_ratchet_pub"), ratchetKey.PublicKey.Signal33.ToArray());
        Assert.True(bundle.HasValidSignature());

        var state = SessionBuilder.InitializeAsInitiator(ours, bundle, baseKey, ratchetKey);

        Assert.Equal(Hex("bcs.init_outgoing.root_key_after_sending_ratchet(derived)"), state.RootKey.ToArray());
        Assert.Equal(Hex("bcs.init_outgoing.sending_chain_key(derived)"), state.SenderChainKey.Key.ToByteArray());
        Assert.Equal(Hex("bcs.init_outgoing.base_key_pub"), state.BaseKey.ToArray());
        Assert.True(state.HasPendingPreKey);
        Assert.Equal(16591268u, state.PendingPreKey!.PreKeyId);
        Assert.Equal((uint)Number("bcs.init_outgoing.their_registration_id"), state.RemoteRegistrationId);
    }

    [Fact]
    public void Initiator_rejects_a_bundle_whose_signed_prekey_signature_does_not_verify()
    {
        // Pitfall P16: libsignal-node skips this check; go libsignal and we reject.
        var ours = new LocalSignalIdentity(Curve25519KeyPair.Generate(), 1, new Dictionary<uint, Curve25519KeyPair>());
        var signature = Hex("bcs.init_outgoing.their_signed_prekey_signature");
        signature[5] ^= 0x01;
        var bundle = new PreKeyBundle(
            1,
            Curve25519PublicKey.FromBytes(Hex("bcs.init_outgoing.their_identity")),
            1,
            Curve25519PublicKey.FromBytes(Hex("bcs.init_outgoing.their_signed_prekey(id 1)")),
            signature);
        Assert.Throws<InvalidPreKeyBundleException>(() => SessionBuilder.InitializeAsInitiator(ours, bundle));
    }

    [Fact]
    public void Responder_x3dh_and_first_decrypt_match_the_pkmsg_vector()
    {
        // §12.1 (e): a real pkmsg with one-time prekey 7 and signed prekey 1.
        var identity = Curve25519KeyPair.FromPrivateKey(Hex("bcs.pkmsg_decrypt.our_identity_priv"));
        Assert.Equal(Hex("bcs.pkmsg_decrypt.our_identity_pub"), identity.PublicKey.Raw32.ToArray());
        var signedPreKey = Curve25519KeyPair.FromPrivateKey(Hex("bcs.pkmsg_decrypt.signed_prekey_priv"));
        var oneTimePreKey = Curve25519KeyPair.FromPrivateKey(Hex("bcs.pkmsg_decrypt.prekey_priv"));
        var ours = new LocalSignalIdentity(identity, 1, new Dictionary<uint, Curve25519KeyPair> { [1] = signedPreKey });

        var message = PreKeySignalMessage.Parse(Hex("bcs.pkmsg_decrypt.pkmsg"));
        Assert.Equal((uint)Number("bcs.pkmsg_decrypt.prekey_id"), message.PreKeyId);
        Assert.Equal((uint)Number("bcs.pkmsg_decrypt.signed_prekey_id"), message.SignedPreKeyId);
        Assert.Equal(1315254131u, message.RegistrationId);
        Assert.Equal(Hex("bcs.pkmsg_decrypt.pkmsg"), message.Serialized.ToArray());

        var fresh = SessionBuilder.InitializeAsResponder(ours, message, signedPreKey, oneTimePreKey);
        Assert.Equal(Hex("bcs.pkmsg_decrypt.root_key_after_x3dh(derived)"), fresh.RootKey.ToArray());

        var record = new SessionRecord();
        var result = SessionCipher.DecryptPreKeyMessage(record, ours, message, oneTimePreKey);

        Assert.Equal(Hex("bcs.pkmsg_decrypt.plaintext_padded(derived)"), result.Plaintext);
        Assert.Equal(7u, result.ConsumedPreKeyId);
        var state = record.CurrentState!;
        Assert.False(state.HasPendingPreKey);
        var chain = state.FindReceiverChain(message.Message.SenderRatchetKey.Span)!;
        Assert.Equal(Hex("bcs.pkmsg_decrypt.recv_chain_key_after_msg0"), chain.ChainKey.Key.ToByteArray());
        Assert.Equal(1u, chain.ChainKey.Index);
    }

    [Fact]
    public void Pkmsg_naming_a_missing_one_time_prekey_is_rejected_and_leaves_the_record_alone()
    {
        var identity = Curve25519KeyPair.FromPrivateKey(Hex("bcs.pkmsg_decrypt.our_identity_priv"));
        var signedPreKey = Curve25519KeyPair.FromPrivateKey(Hex("bcs.pkmsg_decrypt.signed_prekey_priv"));
        var ours = new LocalSignalIdentity(identity, 1, new Dictionary<uint, Curve25519KeyPair> { [1] = signedPreKey });
        var record = new SessionRecord();

        Assert.Throws<InvalidSignalKeyIdException>(() =>
            SessionCipher.DecryptPreKeyMessage(record, ours, PreKeySignalMessage.Parse(Hex("bcs.pkmsg_decrypt.pkmsg")), oneTimePreKey: null));
        Assert.True(record.IsEmpty);
    }
}
