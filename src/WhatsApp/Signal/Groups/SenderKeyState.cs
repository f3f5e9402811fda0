using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Signal.Groups;

/// <summary>
/// One sender key of one sender: its id, the chain key at the next unused iteration, the signing
/// key (the key pair when it is ours, the public key when it is a peer's) and the keys of skipped
/// messages (whatsapp-protocol.md §6.7; libsignal <c>SenderKeyState</c>).
/// </summary>
public sealed class SenderKeyState
{
    /// <summary>How many skipped message keys a state keeps (libsignal and Baileys keep 2000).</summary>
    public const int MaxSkippedMessageKeys = 2000;

    /// <summary>How far ahead of the chain a message may be (libsignal-java and Baileys: 2000).</summary>
    public const uint MaxForwardIterations = 2000;

    // Skipped keys by iteration. A chain only moves forward, so the lowest iteration is the oldest,
    // which is the one to evict when the bound is reached.
    private readonly SortedDictionary<uint, byte[]> _skippedMessageKeySeeds = [];

    private SenderKeyState(uint keyId, SenderChainKey chainKey, Curve25519PublicKey signingKey, Curve25519KeyPair? signingKeyPair)
    {
        KeyId = keyId;
        ChainKey = chainKey;
        SigningKey = signingKey;
        SigningKeyPair = signingKeyPair;
    }

    public uint KeyId { get; }

    /// <summary>The chain key of the next iteration to use (send) or expect (receive).</summary>
    public SenderChainKey ChainKey { get; private set; }

    /// <summary>The public key that verifies this sender's messages.</summary>
    public Curve25519PublicKey SigningKey { get; }

    /// <summary>Our signing key pair; null in a state received from a peer's distribution message.</summary>
    public Curve25519KeyPair? SigningKeyPair { get; }

    public int SkippedMessageKeyCount => _skippedMessageKeySeeds.Count;

    /// <summary>A state of our own, able to encrypt.</summary>
    public static SenderKeyState CreateOwn(uint keyId, SenderChainKey chainKey, Curve25519KeyPair signingKeyPair)
    {
        ArgumentNullException.ThrowIfNull(chainKey);
        ArgumentNullException.ThrowIfNull(signingKeyPair);
        return new SenderKeyState(keyId, chainKey, signingKeyPair.PublicKey, signingKeyPair);
    }

    /// <summary>A peer's state, able to decrypt and verify only.</summary>
    public static SenderKeyState CreateReceived(uint keyId, SenderChainKey chainKey, Curve25519PublicKey signingKey)
    {
        ArgumentNullException.ThrowIfNull(chainKey);
        ArgumentNullException.ThrowIfNull(signingKey);
        return new SenderKeyState(keyId, chainKey, signingKey, null);
    }

    /// <summary>The distribution message that lets a peer decrypt from the current iteration on.</summary>
    public SenderKeyDistributionMessage ToDistributionMessage() =>
        SenderKeyDistributionMessage.Create(KeyId, ChainKey.Iteration, ChainKey.Key, SigningKey);

    /// <summary>Takes the current message key for sending and advances the chain by one.</summary>
    internal SenderMessageKey NextSendingMessageKey()
    {
        var current = ChainKey;
        ChainKey = current.Next();
        return current.MessageKey();
    }

    /// <summary>
    /// The message key of <paramref name="iteration"/> for decryption: a kept skipped key (removed,
    /// so it works once), or the chain derived forward, keeping the keys it passes over.
    /// The caller stores the state only after the message decrypted, so a failure changes nothing.
    /// </summary>
    /// <exception cref="DuplicateSignalMessageException">The iteration is behind the chain and its key is gone.</exception>
    /// <exception cref="InvalidSignalMessageException">The iteration is more than 2000 ahead.</exception>
    internal SenderMessageKey TakeReceivingMessageKey(uint iteration)
    {
        var chain = ChainKey;
        if (iteration < chain.Iteration)
        {
            if (_skippedMessageKeySeeds.Remove(iteration, out var seed))
            {
                return new SenderMessageKey(iteration, seed);
            }
            throw new DuplicateSignalMessageException(
                $"Sender key {KeyId}: message iteration {iteration} is behind the chain ({chain.Iteration}) and was already received.");
        }
        if (iteration - chain.Iteration > MaxForwardIterations)
        {
            throw new InvalidSignalMessageException(
                $"Sender key {KeyId}: message iteration {iteration} is more than {MaxForwardIterations} ahead of the chain ({chain.Iteration}).");
        }
        while (chain.Iteration < iteration)
        {
            AddSkippedMessageKey(chain.Iteration, chain.MessageKeySeed());
            chain = chain.Next();
        }
        ChainKey = chain.Next();
        return chain.MessageKey();
    }

    private void AddSkippedMessageKey(uint iteration, byte[] seed)
    {
        _skippedMessageKeySeeds[iteration] = seed;
        while (_skippedMessageKeySeeds.Count > MaxSkippedMessageKeys)
        {
            _skippedMessageKeySeeds.Remove(_skippedMessageKeySeeds.Keys.First());
        }
    }

    internal SenderKeyStateStructure ToStructure()
    {
        var structure = new SenderKeyStateStructure
        {
            SenderKeyId = KeyId,
            SenderChainKey = new SenderKeyStateStructure.Types.SenderChainKey
            {
                Iteration = ChainKey.Iteration,
                Seed = ByteString.CopyFrom(ChainKey.Key),
            },
            SenderSigningKey = new SenderKeyStateStructure.Types.SenderSigningKey
            {
                Public = ByteString.CopyFrom(SigningKey.Signal33.Span),
            },
        };
        if (SigningKeyPair is not null)
        {
            structure.SenderSigningKey.Private = ByteString.CopyFrom(SigningKeyPair.PrivateKey.Span);
        }
        foreach (var (iteration, seed) in _skippedMessageKeySeeds)
        {
            structure.SenderMessageKeys.Add(new SenderKeyStateStructure.Types.SenderMessageKey
            {
                Iteration = iteration,
                Seed = ByteString.CopyFrom(seed),
            });
        }
        return structure;
    }

    /// <exception cref="FormatException">The stored structure is incomplete or has wrong key sizes.</exception>
    internal static SenderKeyState FromStructure(SenderKeyStateStructure structure)
    {
        if (!structure.HasSenderKeyId || structure.SenderChainKey is not { HasIteration: true, HasSeed: true } chain
            || structure.SenderSigningKey is not { HasPublic: true } signing)
        {
            throw new FormatException("A stored sender key state lacks its id, chain key or signing key.");
        }
        if (chain.Seed.Length != SignalKdf.KeyLength
            || !Curve25519PublicKey.TryFromBytes(signing.Public.Span, out var signingKey))
        {
            throw new FormatException("A stored sender key state has a chain key or signing key of the wrong size.");
        }
        var chainKey = new SenderChainKey(chain.Iteration, chain.Seed.Span);
        SenderKeyState state;
        if (signing.HasPrivate)
        {
            if (signing.Private.Length != Curve25519.KeyLength)
            {
                throw new FormatException("A stored sender key state has a signing private key of the wrong size.");
            }
            var keyPair = Curve25519KeyPair.FromPrivateKey(signing.Private.Span);
            if (!keyPair.PublicKey.Equals(signingKey))
            {
                throw new FormatException("A stored sender key state's signing private key does not match its public key.");
            }
            state = CreateOwn(structure.SenderKeyId, chainKey, keyPair);
        }
        else
        {
            state = CreateReceived(structure.SenderKeyId, chainKey, signingKey);
        }
        foreach (var skipped in structure.SenderMessageKeys)
        {
            if (!skipped.HasIteration || skipped.Seed.Length != SignalKdf.KeyLength)
            {
                throw new FormatException("A stored skipped sender message key is malformed.");
            }
            state.AddSkippedMessageKey(skipped.Iteration, skipped.Seed.ToByteArray());
        }
        return state;
    }
}
