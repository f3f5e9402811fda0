using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Signal.Groups;

/// <summary>
/// All sender-key states of one <see cref="SenderKeyName"/>, newest first, at most
/// <see cref="MaxStates"/> (libsignal keeps 5, Baileys too): a sender that rotates its key may still
/// have messages in flight under the previous one.
/// </summary>
public sealed class SenderKeyRecord
{
    public const int MaxStates = 5;

    private readonly List<SenderKeyState> _states = [];

    public bool IsEmpty => _states.Count == 0;

    /// <summary>The states, newest first.</summary>
    public IReadOnlyList<SenderKeyState> States => _states;

    /// <summary>The newest state: the one our sends use.</summary>
    public SenderKeyState? CurrentState => _states.Count == 0 ? null : _states[0];

    /// <summary>The state a received message names by its key id, or null.</summary>
    public SenderKeyState? FindState(uint keyId)
    {
        foreach (var state in _states)
        {
            if (state.KeyId == keyId)
            {
                return state;
            }
        }
        return null;
    }

    /// <summary>
    /// Adds a peer's state from its distribution message. A repeat of a distribution message we
    /// already have (same key id and signing key; whatsmeow re-sends it with every group message)
    /// keeps the existing state, so it can neither rewind the chain (which would let old messages
    /// be replayed) nor drop kept skipped keys. A state with the same id but another signing key is
    /// replaced. This is libsignal's (Rust) <c>add_sender_key_state</c> rule.
    /// </summary>
    public void AddReceivedState(SenderKeyDistributionMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var existing = _states.FindIndex(s => s.KeyId == message.KeyId && s.SigningKey.Equals(message.SigningKey));
        SenderKeyState state;
        if (existing >= 0)
        {
            state = _states[existing];
            _states.RemoveAt(existing);
        }
        else
        {
            state = SenderKeyState.CreateReceived(message.KeyId, new SenderChainKey(message.Iteration, message.ChainKey.Span), message.SigningKey);
        }
        _states.RemoveAll(s => s.KeyId == message.KeyId);
        Push(state);
    }

    /// <summary>Replaces every state with a fresh one of our own (libsignal <c>setSenderKeyState</c>).</summary>
    public void SetOwnState(uint keyId, SenderChainKey chainKey, Curve25519KeyPair signingKeyPair)
    {
        _states.Clear();
        _states.Add(SenderKeyState.CreateOwn(keyId, chainKey, signingKeyPair));
    }

    private void Push(SenderKeyState state)
    {
        while (_states.Count >= MaxStates)
        {
            _states.RemoveAt(_states.Count - 1);
        }
        _states.Insert(0, state);
    }

    /// <summary>The storage form (CodeChat's <c>SenderKeyRecordStructure</c> protobuf). Contains secrets.</summary>
    public byte[] Serialize()
    {
        var structure = new SenderKeyRecordStructure();
        foreach (var state in _states)
        {
            structure.SenderKeyStates.Add(state.ToStructure());
        }
        return structure.ToByteArray();
    }

    /// <exception cref="FormatException">The bytes are not a stored record.</exception>
    public static SenderKeyRecord Deserialize(ReadOnlySpan<byte> serialized)
    {
        SenderKeyRecordStructure structure;
        try
        {
            structure = SenderKeyRecordStructure.Parser.ParseFrom(serialized);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new FormatException("The stored sender key record is not valid protobuf.", e);
        }
        if (structure.SenderKeyStates.Count > MaxStates)
        {
            throw new FormatException($"A stored sender key record has {structure.SenderKeyStates.Count} states; at most {MaxStates} are kept.");
        }
        var record = new SenderKeyRecord();
        foreach (var state in structure.SenderKeyStates)
        {
            record._states.Add(SenderKeyState.FromStructure(state));
        }
        return record;
    }
}
