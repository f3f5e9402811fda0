using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal;
using CodeChat.WhatsApp.Signal.Groups;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>
/// Sender-key known answers: vectors.json senderkey.* (whatsapp-protocol.md §12.7, derived with an
/// independent implementation from Baileys' src/Signal/Group code) and bcs.group.* (§12.1 (g),
/// BaileysCSharp.Tests TestGroupMessageEncrypt, real data from a Baileys-compatible sender).
/// </summary>
public class SenderKeyKnownAnswerTests
{
    private static readonly SenderKeyName Name = new(Jid.Parse("120363000000000000@g.us"), new SignalAddress("123456789012345_1", 0));

    [Fact]
    public void Chain_step_derives_seed_next_chain_key_iv_and_cipher_key()
    {
        var chain = new SenderChainKey(0, Hex("senderkey.chain_key_iter0"));

        Assert.Equal(Hex("senderkey.msgkey_seed_iter0"), chain.MessageKeySeed());
        var next = chain.Next();
        Assert.Equal(1u, next.Iteration);
        Assert.Equal(Hex("senderkey.chain_key_iter1"), next.Key.ToArray());

        // "WhisperGroup": iv = d[0][0:16], cipherKey = d[0][16:32] ‖ d[1][0:16].
        var messageKey = chain.MessageKey();
        Assert.Equal(0u, messageKey.Iteration);
        Assert.Equal(Hex("senderkey.iv_iter0"), messageKey.Iv.ToArray());
        Assert.Equal(Hex("senderkey.cipher_key_iter0"), messageKey.CipherKey.ToArray());
    }

    [Fact]
    public void Distribution_message_serializes_to_the_vector_and_parses_back()
    {
        var signingKey = Curve25519PublicKey.FromBytes(Hex("senderkey.signing_pub"));
        var keyId = (uint)Number("senderkey.key_id");

        var created = SenderKeyDistributionMessage.Create(keyId, 0, Hex("senderkey.chain_key_iter0"), signingKey);
        Assert.Equal(Hex("senderkey.skdm_serialized"), created.Serialized.ToArray());

        var parsed = SenderKeyDistributionMessage.Parse(Hex("senderkey.skdm_serialized"));
        Assert.Equal(keyId, parsed.KeyId);
        Assert.Equal(0u, parsed.Iteration);
        Assert.Equal(Hex("senderkey.chain_key_iter0"), parsed.ChainKey.ToArray());
        Assert.Equal(signingKey, parsed.SigningKey);
    }

    [Fact]
    public void Sender_key_message_with_deterministic_signature_reproduces_the_vector()
    {
        var signingKey = Curve25519KeyPair.FromPrivateKey(Hex("senderkey.signing_priv"));
        var messageKey = new SenderChainKey(0, Hex("senderkey.chain_key_iter0")).MessageKey();
        var ciphertext = AesCbcCipher.Encrypt(messageKey.CipherKey, messageKey.Iv, Hex("senderkey.plaintext_padded"));

        var message = SenderKeyMessage.Create((uint)Number("senderkey.key_id"), 0, ciphertext, signingKey, deterministicSignature: true);

        Assert.Equal(Hex("senderkey.skmsg_serialized_deterministic_sig"), message.Serialized.ToArray());
        Assert.True(message.VerifySignature(signingKey.PublicKey));
    }

    [Fact]
    public async Task Group_cipher_encrypts_iteration_zero_to_the_vector_body_with_a_valid_randomized_signature()
    {
        var store = new InMemorySenderKeyStore();
        var record = new SenderKeyRecord();
        var signingKey = Curve25519KeyPair.FromPrivateKey(Hex("senderkey.signing_priv"));
        record.SetOwnState((uint)Number("senderkey.key_id"), new SenderChainKey(0, Hex("senderkey.chain_key_iter0")), signingKey);
        await store.StoreSenderKeyAsync(Name, record, TestContext.Current.CancellationToken);

        var skmsg = await new GroupCipher(store).EncryptAsync(Name, Hex("senderkey.plaintext_padded"), TestContext.Current.CancellationToken);

        var expected = Hex("senderkey.skmsg_serialized_deterministic_sig");
        Assert.Equal(expected[..^64], skmsg[..^64]);
        Assert.True(SenderKeyMessage.Parse(skmsg).VerifySignature(signingKey.PublicKey));
        var stored = await store.LoadSenderKeyAsync(Name, TestContext.Current.CancellationToken);
        Assert.Equal(Hex("senderkey.chain_key_iter1"), stored!.CurrentState!.ChainKey.Key.ToArray());
    }

    [Fact]
    public async Task Derived_vector_decrypts_after_processing_its_distribution_message()
    {
        var store = new InMemorySenderKeyStore();
        await new GroupSessionBuilder(store).ProcessAsync(Name, SenderKeyDistributionMessage.Parse(Hex("senderkey.skdm_serialized")), TestContext.Current.CancellationToken);

        var plaintext = await new GroupCipher(store).DecryptAsync(Name, Hex("senderkey.skmsg_serialized_deterministic_sig"), TestContext.Current.CancellationToken);

        Assert.Equal(Hex("senderkey.plaintext_padded"), plaintext);
    }

    [Fact]
    public async Task BaileysCSharp_group_message_decrypts_to_the_padded_extended_text()
    {
        var store = new InMemorySenderKeyStore();
        var skdm = SenderKeyDistributionMessage.Parse(Hex("bcs.group.skdm"));
        Assert.Equal(1228456509u, skdm.KeyId);
        Assert.Equal(0u, skdm.Iteration);
        await new GroupSessionBuilder(store).ProcessAsync(Name, skdm, TestContext.Current.CancellationToken);

        var plaintext = await new GroupCipher(store).DecryptAsync(Name, Hex("bcs.group.skmsg"), TestContext.Current.CancellationToken);

        Assert.Equal(Hex("bcs.group.plaintext_padded"), plaintext);
        var message = CodeChat.WhatsApp.Proto.Message.Parser.ParseFrom(MessagePadding.Unpad(plaintext).Span);
        Assert.Equal("Hello", message.ExtendedTextMessage.Text);
    }
}
