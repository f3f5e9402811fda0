using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal;
using CodeChat.WhatsApp.Signal.Groups;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>Sender-key records: the states kept per sender (libsignal's rules) and the storage round trip.</summary>
public class SenderKeyRecordTests
{
    private static SenderKeyDistributionMessage Skdm(uint keyId, Curve25519PublicKey? signingKey = null, uint iteration = 0) =>
        SenderKeyDistributionMessage.Create(keyId, iteration, RandomNumberGenerator.GetBytes(32), signingKey ?? Curve25519KeyPair.Generate().PublicKey);

    [Fact]
    public void Keeps_the_five_newest_states_newest_first()
    {
        var record = new SenderKeyRecord();
        for (uint id = 1; id <= 7; id++)
        {
            record.AddReceivedState(Skdm(id));
        }

        Assert.Equal([7u, 6u, 5u, 4u, 3u], record.States.Select(s => s.KeyId));
        Assert.Null(record.FindState(2));
        Assert.Equal(7u, record.CurrentState!.KeyId);
    }

    [Fact]
    public void Same_key_id_with_another_signing_key_replaces_the_state()
    {
        var record = new SenderKeyRecord();
        record.AddReceivedState(Skdm(1));
        record.AddReceivedState(Skdm(2));
        var replacement = Skdm(1);

        record.AddReceivedState(replacement);

        Assert.Equal([1u, 2u], record.States.Select(s => s.KeyId));
        Assert.Equal(replacement.SigningKey, record.FindState(1)!.SigningKey);
        Assert.Equal(replacement.ChainKey.ToArray(), record.FindState(1)!.ChainKey.Key.ToArray());
    }

    [Fact]
    public void Own_state_replaces_everything_and_survives_serialization_with_its_private_key()
    {
        var record = new SenderKeyRecord();
        record.AddReceivedState(Skdm(1));
        var signingKey = Curve25519KeyPair.Generate();
        record.SetOwnState(42, new SenderChainKey(7, RandomNumberGenerator.GetBytes(32)), signingKey);

        var restored = SenderKeyRecord.Deserialize(record.Serialize());

        var state = Assert.Single(restored.States);
        Assert.Equal(42u, state.KeyId);
        Assert.Equal(7u, state.ChainKey.Iteration);
        Assert.Equal(record.CurrentState!.ChainKey.Key.ToArray(), state.ChainKey.Key.ToArray());
        Assert.Equal(signingKey.PrivateKey.ToArray(), state.SigningKeyPair!.PrivateKey.ToArray());
        Assert.Equal(signingKey.PublicKey, state.SigningKey);
    }

    [Fact]
    public void Received_states_and_skipped_keys_survive_serialization()
    {
        var record = new SenderKeyRecord();
        record.AddReceivedState(Skdm(1, iteration: 10));
        record.AddReceivedState(Skdm(2));
        var state = record.FindState(1)!;
        // Taking iteration 13 keeps the keys of 10, 11 and 12.
        var taken = state.TakeReceivingMessageKey(13);
        Assert.Equal(13u, taken.Iteration);

        var restored = SenderKeyRecord.Deserialize(record.Serialize());

        Assert.Equal([2u, 1u], restored.States.Select(s => s.KeyId));
        var restoredState = restored.FindState(1)!;
        Assert.Null(restoredState.SigningKeyPair);
        Assert.Equal(14u, restoredState.ChainKey.Iteration);
        Assert.Equal(3, restoredState.SkippedMessageKeyCount);
        var original = record.FindState(1)!;
        foreach (var iteration in new uint[] { 12, 10, 11 })
        {
            Assert.Equal(original.TakeReceivingMessageKey(iteration).CipherKey.ToArray(), restoredState.TakeReceivingMessageKey(iteration).CipherKey.ToArray());
        }
        Assert.Throws<DuplicateSignalMessageException>(() => restoredState.TakeReceivingMessageKey(11));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0a00")]                 // a state without id, chain or signing key
    [InlineData("0a0408011201")]         // truncated nested message
    public void Malformed_stored_records_are_refused(string hex)
    {
        if (hex.Length == 0)
        {
            Assert.True(SenderKeyRecord.Deserialize([]).IsEmpty);
            return;
        }
        Assert.Throws<FormatException>(() => SenderKeyRecord.Deserialize(Convert.FromHexString(hex)));
    }

    [Fact]
    public void A_stored_private_key_that_does_not_match_its_public_key_is_refused()
    {
        var record = new SenderKeyRecord();
        record.SetOwnState(1, new SenderChainKey(0, new byte[32]), Curve25519KeyPair.Generate());
        var structure = CodeChat.WhatsApp.Signal.Proto.SenderKeyRecordStructure.Parser.ParseFrom(record.Serialize());
        structure.SenderKeyStates[0].SenderSigningKey.Public = Google.Protobuf.ByteString.CopyFrom(Curve25519KeyPair.Generate().PublicKey.Signal33.Span);

        Assert.Throws<FormatException>(() => SenderKeyRecord.Deserialize(Google.Protobuf.MessageExtensions.ToByteArray(structure)));
    }
}
