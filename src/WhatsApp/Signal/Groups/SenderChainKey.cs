namespace CodeChat.WhatsApp.Signal.Groups;

/// <summary>
/// One step of a sender-key chain: the chain key for <see cref="Iteration"/>. The message key seed
/// is <c>HMAC(chainKey, 0x01)</c> and the next chain key <c>HMAC(chainKey, 0x02)</c>
/// (whatsapp-protocol.md §6.7; Baileys <c>SenderChainKey</c>).
/// </summary>
public sealed class SenderChainKey
{
    private readonly byte[] _key;

    public SenderChainKey(uint iteration, ReadOnlySpan<byte> key)
    {
        if (key.Length != SignalKdf.KeyLength)
        {
            throw new ArgumentException($"A sender chain key is 32 bytes; got {key.Length}.", nameof(key));
        }
        Iteration = iteration;
        _key = key.ToArray();
    }

    public uint Iteration { get; }

    /// <summary>The 32-byte chain key; secret.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>The seed of this step's message key, HMAC(chainKey, 0x01).</summary>
    public byte[] MessageKeySeed() => SignalKdf.MessageKeySeed(_key);

    /// <summary>This step's message key.</summary>
    public SenderMessageKey MessageKey() => new(Iteration, MessageKeySeed());

    /// <summary>The chain key of the next iteration.</summary>
    /// <exception cref="OverflowException">The chain has used all 2^32 iterations.</exception>
    public SenderChainKey Next() => new(checked(Iteration + 1), SignalKdf.NextChainKey(_key));
}
