using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal;
using CsCheck;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>Round-trip properties of our Signal core against itself (the libsignal-node tests prove the format).</summary>
public class SessionCipherPropertyTests
{
    // A conversation: turns of (who sends, how many), each message kept back for late delivery or not.
    private static readonly Gen<(bool AliceSends, int Count, bool[] Late)[]> Conversations =
        Gen.Select(Gen.Bool, Gen.Int[1, 8]).SelectMany(t => Gen.Bool.Array[t.Item2].Select(late => (t.Item1, t.Item2, late))).Array[1, 8];

    [Fact]
    public void Every_message_decrypts_once_whatever_the_turns_and_the_delivery_order()
    {
        Gen.Select(Conversations, Gen.Int).Sample((turns, seed) =>
        {
            var random = new Random(seed);
            var pair = new SignalPair();
            pair.Establish();
            var late = new List<(SessionRecord Receiver, EncryptedSignalMessage Message, string Text)>();
            for (var t = 0; t < turns.Length; t++)
            {
                var (aliceSends, count, keepBack) = turns[t];
                var (sender, receiver) = aliceSends ? (pair.Alice, pair.Bob) : (pair.Bob, pair.Alice);
                var batch = Enumerable.Range(0, count)
                    .Select(i => (Text: $"turn {t} #{i}", Message: SessionCipher.Encrypt(sender, System.Text.Encoding.UTF8.GetBytes($"turn {t} #{i}"))))
                    .ToList();
                foreach (var i in Enumerable.Range(0, count).OrderBy(_ => random.Next()))
                {
                    if (keepBack[i])
                    {
                        late.Add((receiver, batch[i].Message, batch[i].Text));
                    }
                    else
                    {
                        Assert.Equal(batch[i].Text, System.Text.Encoding.UTF8.GetString(SignalPair.Decrypt(receiver, batch[i].Message)));
                    }
                }
            }
            foreach (var (receiver, message, text) in late.OrderBy(_ => random.Next()))
            {
                Assert.Equal(text, System.Text.Encoding.UTF8.GetString(SignalPair.Decrypt(receiver, message)));
                Assert.Throws<DuplicateSignalMessageException>(() => SignalPair.Decrypt(receiver, message));
            }
        }, iter: 60);
    }

    [Fact]
    public void A_record_survives_serialization_and_the_session_continues()
    {
        Gen.Select(Gen.Byte.Array[0, 300], Gen.Int[1, 20]).Sample((plaintext, count) =>
        {
            var pair = new SignalPair();
            pair.Establish();
            var messages = Enumerable.Range(0, count).Select(_ => SessionCipher.Encrypt(pair.Alice, plaintext)).ToList();
            SignalPair.Decrypt(pair.Bob, messages[^1]);

            var bytes = pair.Bob.Serialize();
            var restored = SessionRecord.Deserialize(bytes);
            Assert.Equal(bytes, restored.Serialize());
            foreach (var message in messages.SkipLast(1))
            {
                Assert.Equal(plaintext, SignalPair.Decrypt(restored, message));
            }
            var reply = SessionCipher.Encrypt(restored, plaintext);
            Assert.Equal(plaintext, SignalPair.Decrypt(pair.Alice, reply));
        }, iter: 40);
    }

    [Fact]
    public void A_tampered_message_is_rejected_and_leaves_the_record_unchanged()
    {
        var pair = new SignalPair();
        pair.Establish();
        SignalPair.Decrypt(pair.Alice, SessionCipher.Encrypt(pair.Bob, "reply"u8));
        var message = SessionCipher.Encrypt(pair.Alice, "a message worth protecting"u8);
        var before = pair.Bob.Serialize();

        Gen.Int[0, message.Serialized.Length - 1].Select(Gen.Byte[1, 255]).Sample((position, flip) =>
        {
            var tampered = message.Serialized.ToArray();
            tampered[position] ^= flip;
            Assert.Throws<InvalidSignalMessageException>(() => SessionCipher.Decrypt(pair.Bob, SignalMessage.Parse(tampered)));
            Assert.Equal(before, pair.Bob.Serialize());
        }, iter: 200);

        Assert.Equal("a message worth protecting"u8.ToArray(), SignalPair.Decrypt(pair.Bob, message));
    }

    [Fact]
    public void Both_sides_initiating_at_once_converge_on_one_working_session()
    {
        var pair = new SignalPair();
        var aliceOneTime = Curve25519KeyPair.Generate();
        pair.Alice.PromoteState(SessionBuilder.InitializeAsInitiator(pair.AliceIdentity, pair.BobBundle()));
        pair.Bob.PromoteState(SessionBuilder.InitializeAsInitiator(pair.BobIdentity, SignalPair.BundleOf(pair.AliceIdentity, (3, aliceOneTime))));
        var fromAlice = SessionCipher.Encrypt(pair.Alice, "a"u8);
        var fromBob = SessionCipher.Encrypt(pair.Bob, "b"u8);
        SessionCipher.DecryptPreKeyMessage(pair.Bob, pair.BobIdentity, PreKeySignalMessage.Parse(fromAlice.Serialized), pair.BobOneTimePreKey);
        SessionCipher.DecryptPreKeyMessage(pair.Alice, pair.AliceIdentity, PreKeySignalMessage.Parse(fromBob.Serialized), aliceOneTime);

        for (var turn = 0; turn < 5; turn++)
        {
            Assert.Equal([(byte)turn], SignalPair.Decrypt(pair.Bob, SessionCipher.Encrypt(pair.Alice, [(byte)turn])));
            Assert.Equal([(byte)turn], SignalPair.Decrypt(pair.Alice, SessionCipher.Encrypt(pair.Bob, [(byte)turn])));
        }
    }
}
