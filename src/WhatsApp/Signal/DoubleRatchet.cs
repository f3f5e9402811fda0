using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// The Double Ratchet steps (whatsapp-protocol.md §6.4; libsignal-node <c>session_cipher.js</c>
/// <c>maybeStepRatchet</c>, <c>calculateRatchet</c>, <c>fillMessageKeys</c>).
/// </summary>
internal static class DoubleRatchet
{
    /// <summary>How far ahead of a chain a message counter may be (libsignal-node: "Over 2000 messages into the future").</summary>
    public const int MaxForwardJump = 2000;

    /// <summary>(root, chain) = DeriveSecrets(DH(ourPrivate, theirRatchet), rootKey, "WhisperRatchet", 2).</summary>
    public static (byte[] RootKey, byte[] ChainKey) RatchetStep(ReadOnlySpan<byte> rootKey, ReadOnlySpan<byte> ourRatchetPrivate, Curve25519PublicKey theirRatchetKey)
    {
        var shared = Curve25519.Agree(ourRatchetPrivate, theirRatchetKey.Raw32.Span);
        var derived = SignalKdf.DeriveSecrets(shared, rootKey, SignalKdf.WhisperRatchet, 2);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(shared);
        return (derived[..32], derived[32..64]);
    }

    /// <summary>
    /// On a message with a ratchet key we have no receiving chain for: close the previous receiving
    /// chain (keeping the keys of its messages up to <paramref name="previousCounter"/>), derive the
    /// new receiving chain, then a new sending ratchet key and chain.
    /// </summary>
    public static Proto.SessionStructure.Types.Chain StepForIncomingRatchetKey(
        SessionState state,
        Curve25519PublicKey theirRatchetKey,
        uint previousCounter,
        Func<Curve25519KeyPair> newKeyPair)
    {
        var receiverChains = state.Structure.ReceiverChains;
        if (receiverChains.Count > 0)
        {
            var previousChain = receiverChains[^1];
            // A counter beyond the forward limit (libsignal-node can send 2^32−1 for "none") fills nothing.
            if (previousChain.ChainKey.Key.Length > 0 && previousCounter < previousChain.ChainKey.Index + MaxForwardJump)
            {
                FillSkippedKeys(state, previousChain, previousCounter + 1);
            }
            previousChain.ChainKey = new Proto.SessionStructure.Types.Chain.Types.ChainKey { Index = previousChain.ChainKey.Index };
        }

        var (receivingRoot, receivingChainKey) = RatchetStep(state.RootKey, state.SenderRatchetPrivate, theirRatchetKey);
        var chain = state.AddReceiverChain(theirRatchetKey.Signal33.Span, receivingChainKey);

        var sentOnOldChain = state.SenderChainKey.Index;
        state.SetPreviousCounter(sentOnOldChain == 0 ? 0 : sentOnOldChain - 1);
        var ratchetKey = newKeyPair();
        var (sendingRoot, sendingChainKey) = RatchetStep(receivingRoot, ratchetKey.PrivateKey.Span, theirRatchetKey);
        state.SetRootKey(sendingRoot);
        state.SetSenderChain(ratchetKey.PublicKey.Signal33.Span, ratchetKey.PrivateKey.Span, sendingChainKey);
        return chain;
    }

    /// <summary>
    /// The message key seed for <paramref name="counter"/> on a receiving chain: a stored skipped key,
    /// or derived forward (storing the keys it skips).
    /// </summary>
    /// <exception cref="DuplicateSignalMessageException">The key was used already.</exception>
    /// <exception cref="InvalidSignalMessageException">Too far ahead, or the chain is closed.</exception>
    public static byte[] TakeReceivingMessageKeySeed(SessionState state, Proto.SessionStructure.Types.Chain chain, uint counter)
    {
        var chainKey = chain.ChainKey;
        if (counter < chainKey.Index)
        {
            return SessionState.TakeSkippedMessageKey(chain, counter)
                ?? throw new DuplicateSignalMessageException($"The key of message {counter} was already used.");
        }
        if ((long)counter - chainKey.Index >= MaxForwardJump)
        {
            throw new InvalidSignalMessageException($"Message {counter} is more than {MaxForwardJump} messages ahead of its chain.");
        }
        if (chainKey.Key.Length == 0)
        {
            throw new InvalidSignalMessageException($"Message {counter} is on a closed chain.");
        }
        FillSkippedKeys(state, chain, counter);
        var key = chain.ChainKey.Key.Span;
        var seed = SignalKdf.MessageKeySeed(key);
        chain.ChainKey = new Proto.SessionStructure.Types.Chain.Types.ChainKey
        {
            Index = counter + 1,
            Key = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(SignalKdf.NextChainKey(key)),
        };
        return seed;
    }

    // Derives and stores the keys of the chain's messages below `untilIndex`.
    private static void FillSkippedKeys(SessionState state, Proto.SessionStructure.Types.Chain chain, uint untilIndex)
    {
        var index = chain.ChainKey.Index;
        if (index >= untilIndex)
        {
            return;
        }
        var key = chain.ChainKey.Key.ToByteArray();
        while (index < untilIndex)
        {
            state.AddSkippedMessageKey(chain, index, SignalKdf.MessageKeySeed(key));
            key = SignalKdf.NextChainKey(key);
            index++;
        }
        chain.ChainKey = new Proto.SessionStructure.Types.Chain.Types.ChainKey
        {
            Index = index,
            Key = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(key),
        };
    }
}
