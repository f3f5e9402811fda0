using System.Text;
using CodeChat.WhatsApp.Signal;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>Session records: archive of previous sessions, promotion, bounds (whatsapp-protocol.md §6.4, §6.6).</summary>
public class SessionRecordTests
{
    [Fact]
    public void The_archive_keeps_the_40_most_recent_sessions()
    {
        var pair = new SignalPair();
        var record = new SessionRecord();
        var states = Enumerable.Range(0, 45).Select(_ => SessionBuilder.InitializeAsInitiator(pair.AliceIdentity, pair.BobBundle())).ToList();
        foreach (var state in states)
        {
            record.PromoteState(state);
        }
        Assert.Same(states[^1], record.CurrentState);
        Assert.Equal(SessionRecord.MaxArchivedStates, record.PreviousStates.Count);
        Assert.Same(states[^2], record.PreviousStates[0]);
        Assert.Same(states[4], record.PreviousStates[^1]);

        var restored = SessionRecord.Deserialize(record.Serialize());
        Assert.Equal(SessionRecord.MaxArchivedStates, restored.PreviousStates.Count);
        Assert.Equal(states[^1].BaseKey.ToArray(), restored.CurrentState!.BaseKey.ToArray());
    }

    [Fact]
    public void A_message_on_an_archived_session_decrypts_and_promotes_it()
    {
        var pair = new SignalPair();
        pair.Establish();
        var onOldSession = SessionCipher.Encrypt(pair.Alice, "sent before the new session"u8);

        // Alice starts over (say, a retry with a fresh bundle); Bob receives the new pkmsg first.
        pair.Alice.PromoteState(SessionBuilder.InitializeAsInitiator(pair.AliceIdentity, pair.BobBundle(preKeyId: null)));
        var onNewSession = SessionCipher.Encrypt(pair.Alice, "new"u8);
        SessionCipher.DecryptPreKeyMessage(pair.Bob, pair.BobIdentity, PreKeySignalMessage.Parse(onNewSession.Serialized), null);
        var newBaseKey = pair.Bob.CurrentState!.BaseKey.ToArray();
        Assert.Single(pair.Bob.PreviousStates);

        Assert.Equal("sent before the new session", Encoding.UTF8.GetString(SignalPair.Decrypt(pair.Bob, onOldSession)));
        Assert.NotEqual(newBaseKey, pair.Bob.CurrentState!.BaseKey.ToArray());
        Assert.Equal(newBaseKey, pair.Bob.PreviousStates[0].BaseKey.ToArray());
    }

    [Fact]
    public void A_second_pkmsg_with_the_same_base_key_reuses_the_session_without_the_consumed_prekey()
    {
        var pair = new SignalPair();
        pair.Alice.PromoteState(SessionBuilder.InitializeAsInitiator(pair.AliceIdentity, pair.BobBundle()));
        var first = PreKeySignalMessage.Parse(SessionCipher.Encrypt(pair.Alice, "1"u8).Serialized);
        var second = PreKeySignalMessage.Parse(SessionCipher.Encrypt(pair.Alice, "2"u8).Serialized);

        Assert.Equal(7u, SessionCipher.DecryptPreKeyMessage(pair.Bob, pair.BobIdentity, first, pair.BobOneTimePreKey).ConsumedPreKeyId);
        var again = SessionCipher.DecryptPreKeyMessage(pair.Bob, pair.BobIdentity, second, oneTimePreKey: null);
        Assert.Equal("2"u8.ToArray(), again.Plaintext);
        Assert.Null(again.ConsumedPreKeyId);
        Assert.Empty(pair.Bob.PreviousStates);
    }

    [Fact]
    public void Sessions_of_another_identity_are_dropped()
    {
        var pair = new SignalPair();
        var record = new SessionRecord();
        record.PromoteState(SessionBuilder.InitializeAsInitiator(pair.AliceIdentity, pair.BobBundle()));
        var other = SignalPair.NewIdentity();
        record.PromoteState(SessionBuilder.InitializeAsInitiator(pair.AliceIdentity, SignalPair.BundleOf(other, null)));

        Assert.True(record.RemoveStatesOfOtherIdentities(other.IdentityKey.PublicKey.Signal33.Span));
        Assert.NotNull(record.CurrentState);
        Assert.Empty(record.PreviousStates);
        Assert.False(record.RemoveStatesOfOtherIdentities(other.IdentityKey.PublicKey.Signal33.Span));
        Assert.True(record.RemoveStatesOfOtherIdentities(pair.BobIdentity.IdentityKey.PublicKey.Signal33.Span));
        Assert.True(record.IsEmpty);
    }

    [Fact]
    public void A_counter_2000_ahead_is_refused_and_1999_ahead_is_accepted()
    {
        // libsignal-node fillMessageKeys: "Over 2000 messages into the future!".
        var pair = new SignalPair();
        pair.Establish();
        // Bob has used counter 0 ("hello"); messages[i] carries counter i + 1.
        var messages = Enumerable.Range(0, 2001).Select(i => SessionCipher.Encrypt(pair.Alice, BitConverter.GetBytes(i))).ToList();
        Assert.Throws<InvalidSignalMessageException>(() => SignalPair.Decrypt(pair.Bob, messages[2000]));
        Assert.Equal(BitConverter.GetBytes(1999), SignalPair.Decrypt(pair.Bob, messages[1999]));
    }

    [Fact]
    public void Skipped_message_keys_are_capped_per_session_oldest_dropped_first()
    {
        var pair = new SignalPair();
        pair.Establish();
        var first = Enumerable.Range(0, 1501).Select(i => SessionCipher.Encrypt(pair.Alice, BitConverter.GetBytes(i))).ToList();
        SignalPair.Decrypt(pair.Bob, first[^1]);
        SignalPair.Decrypt(pair.Alice, SessionCipher.Encrypt(pair.Bob, "turn"u8));
        var second = Enumerable.Range(0, 1001).Select(i => SessionCipher.Encrypt(pair.Alice, BitConverter.GetBytes(i))).ToList();
        SignalPair.Decrypt(pair.Bob, second[^1]);

        var stored = pair.Bob.CurrentState!.Structure.ReceiverChains.Sum(c => c.MessageKeys.Count);
        Assert.Equal(SessionState.MaxSkippedMessageKeys, stored);
        // The oldest skipped keys (start of the first chain) were dropped, the newest kept.
        Assert.Throws<DuplicateSignalMessageException>(() => SignalPair.Decrypt(pair.Bob, first[1]));
        Assert.Equal(BitConverter.GetBytes(1499), SignalPair.Decrypt(pair.Bob, first[1499]));
        Assert.Equal(BitConverter.GetBytes(0), SignalPair.Decrypt(pair.Bob, second[0]));
    }

    [Fact]
    public void Malformed_record_bytes_are_reported() =>
        Assert.Throws<InvalidDataException>(() => SessionRecord.Deserialize([0x0a, 0xff, 0x01]));

    [Fact]
    public void Encrypt_without_a_session_is_refused() =>
        Assert.Throws<NoSignalSessionException>(() => SessionCipher.Encrypt(new SessionRecord(), "x"u8));

    [Fact]
    public void Decrypt_without_a_session_is_refused()
    {
        var pair = new SignalPair();
        pair.Establish();
        var message = SessionCipher.Encrypt(pair.Alice, "x"u8);
        Assert.Throws<NoSignalSessionException>(() => SignalPair.Decrypt(new SessionRecord(), message));
    }
}
