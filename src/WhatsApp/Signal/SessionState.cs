using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// One Double Ratchet session with one peer device, over its storage form
/// <see cref="SessionStructure"/> (Proto/SignalSessionRecord.proto). Mutable: the cipher advances it
/// in place; callers persist the owning <see cref="SessionRecord"/> after every operation.
/// </summary>
public sealed class SessionState
{
    /// <summary>Receiving chains kept per session (libsignal-java keeps 5); older ones are dropped.</summary>
    public const int MaxReceiverChains = 5;

    /// <summary>
    /// Skipped message keys kept per session, over all its receiving chains (libsignal-node and
    /// libsignal-java allow 2000 per jump); the oldest are dropped first.
    /// </summary>
    public const int MaxSkippedMessageKeys = 2000;

    internal SessionState(SessionStructure structure) => Structure = structure;

    internal SessionStructure Structure { get; }

    public uint Version => Structure.SessionVersion;

    public Curve25519PublicKey RemoteIdentity => Curve25519PublicKey.FromBytes(Structure.RemoteIdentityPublic.Span);

    internal ReadOnlySpan<byte> RemoteIdentitySignal33 => Structure.RemoteIdentityPublic.Span;

    internal ReadOnlySpan<byte> LocalIdentitySignal33 => Structure.LocalIdentityPublic.Span;

    public uint RemoteRegistrationId => Structure.RemoteRegistrationId;

    /// <summary>The X3DH base key that names this session.</summary>
    public ReadOnlyMemory<byte> BaseKey => Structure.AliceBaseKey.Memory;

    /// <summary>True when we initiated the session (the base key is ours).</summary>
    public bool BaseKeyIsOurs => Structure.BaseKeyIsOurs;

    /// <summary>Set while we have not yet received anything on this session: encrypts produce pkmsg.</summary>
    public bool HasPendingPreKey => Structure.PendingPreKey is not null;

    internal SessionStructure.Types.PendingPreKey? PendingPreKey => Structure.PendingPreKey;

    internal ReadOnlySpan<byte> RootKey => Structure.RootKey.Span;

    internal uint PreviousCounter => Structure.PreviousCounter;

    internal bool HasSenderChain => Structure.SenderChain is not null;

    internal ReadOnlySpan<byte> SenderRatchetPublic => Structure.SenderChain.SenderRatchetKey.Span;

    internal ReadOnlySpan<byte> SenderRatchetPrivate => Structure.SenderChain.SenderRatchetKeyPrivate.Span;

    internal SessionStructure.Types.Chain.Types.ChainKey SenderChainKey => Structure.SenderChain.ChainKey;

    internal static SessionState CreateNew(
        ReadOnlySpan<byte> localIdentity33,
        ReadOnlySpan<byte> remoteIdentity33,
        uint localRegistrationId,
        uint remoteRegistrationId,
        ReadOnlySpan<byte> baseKey33,
        bool baseKeyIsOurs,
        byte[] rootKey) =>
        new(new SessionStructure
        {
            SessionVersion = SignalMessage.CurrentVersion,
            LocalIdentityPublic = ByteString.CopyFrom(localIdentity33),
            RemoteIdentityPublic = ByteString.CopyFrom(remoteIdentity33),
            LocalRegistrationId = localRegistrationId,
            RemoteRegistrationId = remoteRegistrationId,
            AliceBaseKey = ByteString.CopyFrom(baseKey33),
            BaseKeyIsOurs = baseKeyIsOurs,
            RootKey = UnsafeByteOperations.UnsafeWrap(rootKey),
            PreviousCounter = 0,
        });

    internal SessionState Clone() => new(Structure.Clone());

    internal void SetRootKey(byte[] rootKey) => Structure.RootKey = UnsafeByteOperations.UnsafeWrap(rootKey);

    internal void SetPreviousCounter(uint previousCounter) => Structure.PreviousCounter = previousCounter;

    internal void SetSenderChain(ReadOnlySpan<byte> ratchetPublic33, ReadOnlySpan<byte> ratchetPrivate, byte[] chainKey) =>
        Structure.SenderChain = new SessionStructure.Types.Chain
        {
            SenderRatchetKey = ByteString.CopyFrom(ratchetPublic33),
            SenderRatchetKeyPrivate = ByteString.CopyFrom(ratchetPrivate),
            ChainKey = new SessionStructure.Types.Chain.Types.ChainKey { Index = 0, Key = UnsafeByteOperations.UnsafeWrap(chainKey) },
        };

    internal void SetSenderChainKey(uint index, byte[] key) =>
        Structure.SenderChain.ChainKey = new SessionStructure.Types.Chain.Types.ChainKey { Index = index, Key = UnsafeByteOperations.UnsafeWrap(key) };

    internal void SetPendingPreKey(uint? preKeyId, uint signedPreKeyId, ReadOnlySpan<byte> baseKey33)
    {
        var pending = new SessionStructure.Types.PendingPreKey
        {
            SignedPreKeyId = signedPreKeyId,
            BaseKey = ByteString.CopyFrom(baseKey33),
        };
        if (preKeyId is { } id)
        {
            pending.PreKeyId = id;
        }
        Structure.PendingPreKey = pending;
    }

    internal void ClearPendingPreKey() => Structure.PendingPreKey = null;

    internal SessionStructure.Types.Chain? FindReceiverChain(ReadOnlySpan<byte> ratchetKey33)
    {
        foreach (var chain in Structure.ReceiverChains)
        {
            if (chain.SenderRatchetKey.Span.SequenceEqual(ratchetKey33))
            {
                return chain;
            }
        }
        return null;
    }

    /// <summary>Adds a receiving chain, dropping the oldest beyond <see cref="MaxReceiverChains"/>.</summary>
    internal SessionStructure.Types.Chain AddReceiverChain(ReadOnlySpan<byte> ratchetKey33, byte[] chainKey)
    {
        var chain = new SessionStructure.Types.Chain
        {
            SenderRatchetKey = ByteString.CopyFrom(ratchetKey33),
            ChainKey = new SessionStructure.Types.Chain.Types.ChainKey { Index = 0, Key = UnsafeByteOperations.UnsafeWrap(chainKey) },
        };
        Structure.ReceiverChains.Add(chain);
        while (Structure.ReceiverChains.Count > MaxReceiverChains)
        {
            Structure.ReceiverChains.RemoveAt(0);
        }
        return chain;
    }

    /// <summary>Stores a skipped message key, dropping the session's oldest beyond <see cref="MaxSkippedMessageKeys"/>.</summary>
    internal void AddSkippedMessageKey(SessionStructure.Types.Chain chain, uint index, byte[] seed)
    {
        chain.MessageKeys.Add(new SessionStructure.Types.Chain.Types.MessageKey { Index = index, Seed = UnsafeByteOperations.UnsafeWrap(seed) });
        var total = 0;
        foreach (var receiverChain in Structure.ReceiverChains)
        {
            total += receiverChain.MessageKeys.Count;
        }
        foreach (var receiverChain in Structure.ReceiverChains)
        {
            while (total > MaxSkippedMessageKeys && receiverChain.MessageKeys.Count > 0)
            {
                receiverChain.MessageKeys.RemoveAt(0);
                total--;
            }
        }
    }

    /// <summary>Removes and returns the skipped key seed for <paramref name="index"/>, or null when it is not stored.</summary>
    internal static byte[]? TakeSkippedMessageKey(SessionStructure.Types.Chain chain, uint index)
    {
        var keys = chain.MessageKeys;
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i].Index == index)
            {
                var seed = keys[i].Seed.ToByteArray();
                keys.RemoveAt(i);
                return seed;
            }
        }
        return null;
    }
}
