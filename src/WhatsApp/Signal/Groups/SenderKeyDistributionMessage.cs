using CodeChat.WhatsApp.Crypto;
using Google.Protobuf;
using WireMessage = CodeChat.WhatsApp.Signal.Proto.SenderKeyDistributionMessage;

namespace CodeChat.WhatsApp.Signal.Groups;

/// <summary>
/// A sender-key distribution message (SKDM): what a group member needs to decrypt our messages from
/// <see cref="Iteration"/> on. Serialized as <c>0x33 ‖ SenderKeyDistributionMessage</c> and carried
/// in <c>Message.senderKeyDistributionMessage.axolotlSenderKeyDistributionMessage</c>, encrypted per
/// device with the 1:1 session (whatsapp-protocol.md §6.5, §6.10 step 8).
/// </summary>
public sealed class SenderKeyDistributionMessage
{
    /// <summary>(3 &lt;&lt; 4) | 3: message version 3, current version 3.</summary>
    public const byte VersionByte = 0x33;

    private SenderKeyDistributionMessage(uint keyId, uint iteration, byte[] chainKey, Curve25519PublicKey signingKey, byte[] serialized)
    {
        KeyId = keyId;
        Iteration = iteration;
        ChainKey = chainKey;
        SigningKey = signingKey;
        Serialized = serialized;
    }

    public uint KeyId { get; }

    public uint Iteration { get; }

    /// <summary>The 32-byte chain key at <see cref="Iteration"/>; secret.</summary>
    public ReadOnlyMemory<byte> ChainKey { get; }

    public Curve25519PublicKey SigningKey { get; }

    /// <summary>The wire bytes, version byte included.</summary>
    public ReadOnlyMemory<byte> Serialized { get; }

    public static SenderKeyDistributionMessage Create(uint keyId, uint iteration, ReadOnlySpan<byte> chainKey, Curve25519PublicKey signingKey)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        if (chainKey.Length != SignalKdf.KeyLength)
        {
            throw new ArgumentException($"A sender chain key is 32 bytes; got {chainKey.Length}.", nameof(chainKey));
        }
        var wire = new WireMessage
        {
            Id = keyId,
            Iteration = iteration,
            ChainKey = ByteString.CopyFrom(chainKey),
            SigningKey = ByteString.CopyFrom(signingKey.Signal33.Span),
        };
        var serialized = new byte[1 + wire.CalculateSize()];
        serialized[0] = VersionByte;
        wire.WriteTo(serialized.AsSpan(1));
        return new SenderKeyDistributionMessage(keyId, iteration, chainKey.ToArray(), signingKey, serialized);
    }

    /// <exception cref="InvalidSignalMessageException">Wrong version, malformed protobuf, missing fields or wrong key sizes.</exception>
    public static SenderKeyDistributionMessage Parse(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length < 2)
        {
            throw new InvalidSignalMessageException($"A sender key distribution message is at least 2 bytes; got {serialized.Length}.");
        }
        // libsignal-java: a lower version is legacy, a higher one unknown; both are refused.
        if (serialized[0] >> 4 != VersionByte >> 4)
        {
            throw new InvalidSignalMessageException($"Unsupported sender key distribution message version {serialized[0] >> 4}.");
        }
        WireMessage wire;
        try
        {
            wire = WireMessage.Parser.ParseFrom(serialized[1..]);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidSignalMessageException("A sender key distribution message is not valid protobuf.", e);
        }
        if (!wire.HasId || !wire.HasIteration || !wire.HasChainKey || !wire.HasSigningKey)
        {
            throw new InvalidSignalMessageException("A sender key distribution message lacks its id, iteration, chain key or signing key.");
        }
        if (wire.ChainKey.Length != SignalKdf.KeyLength)
        {
            throw new InvalidSignalMessageException($"A sender key distribution message carries a {wire.ChainKey.Length}-byte chain key; expected 32.");
        }
        if (!Curve25519PublicKey.TryFromBytes(wire.SigningKey.Span, out var signingKey))
        {
            throw new InvalidSignalMessageException($"A sender key distribution message carries a {wire.SigningKey.Length}-byte signing key; expected 33 (05 ‖ key).");
        }
        return new SenderKeyDistributionMessage(wire.Id, wire.Iteration, wire.ChainKey.ToByteArray(), signingKey, serialized.ToArray());
    }
}
