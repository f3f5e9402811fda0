using CodeChat.WhatsApp.Crypto;
using Google.Protobuf;
using WireMessage = CodeChat.WhatsApp.Signal.Proto.SenderKeyMessage;

namespace CodeChat.WhatsApp.Signal.Groups;

/// <summary>
/// A group message encrypted with a sender key, the payload of <c>&lt;enc type="skmsg"&gt;</c>:
/// <c>0x33 ‖ SenderKeyMessage ‖ XEdDSA(signingKey, 0x33 ‖ SenderKeyMessage)</c>
/// (whatsapp-protocol.md §6.5; libsignal and Baileys <c>SenderKeyMessage</c>).
/// </summary>
public sealed class SenderKeyMessage
{
    public const byte VersionByte = 0x33;

    private readonly byte[] _serialized;

    private SenderKeyMessage(uint keyId, uint iteration, byte[] ciphertext, byte[] serialized)
    {
        KeyId = keyId;
        Iteration = iteration;
        Ciphertext = ciphertext;
        _serialized = serialized;
    }

    public uint KeyId { get; }

    public uint Iteration { get; }

    public ReadOnlyMemory<byte> Ciphertext { get; }

    /// <summary>The wire bytes: version byte, protobuf, signature.</summary>
    public ReadOnlyMemory<byte> Serialized => _serialized;

    /// <summary>Builds and signs a message with a randomized XEdDSA signature.</summary>
    public static SenderKeyMessage Create(uint keyId, uint iteration, ReadOnlySpan<byte> ciphertext, Curve25519KeyPair signingKey) =>
        Create(keyId, iteration, ciphertext, signingKey, deterministicSignature: false);

    /// <summary>
    /// As <see cref="Create(uint, uint, ReadOnlySpan{byte}, Curve25519KeyPair)"/>; with
    /// <paramref name="deterministicSignature"/> the signature is libsignal-node's deterministic
    /// variant, which reproduces published vectors byte for byte.
    /// </summary>
    internal static SenderKeyMessage Create(uint keyId, uint iteration, ReadOnlySpan<byte> ciphertext, Curve25519KeyPair signingKey, bool deterministicSignature)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        var wire = new WireMessage { Id = keyId, Iteration = iteration, Ciphertext = ByteString.CopyFrom(ciphertext) };
        var signedLength = 1 + wire.CalculateSize();
        var serialized = new byte[signedLength + XEdDsa.SignatureLength];
        serialized[0] = VersionByte;
        wire.WriteTo(serialized.AsSpan(1, signedLength - 1));
        var signed = serialized.AsSpan(0, signedLength);
        var signature = deterministicSignature ? signingKey.SignDeterministic(signed) : signingKey.Sign(signed);
        signature.CopyTo(serialized.AsSpan(signedLength));
        return new SenderKeyMessage(keyId, iteration, ciphertext.ToArray(), serialized);
    }

    /// <summary>Parses without checking the signature; call <see cref="VerifySignature"/> with the sender's key.</summary>
    /// <exception cref="InvalidSignalMessageException">Too short, wrong version, malformed protobuf or missing fields.</exception>
    public static SenderKeyMessage Parse(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length < 1 + XEdDsa.SignatureLength + 1)
        {
            throw new InvalidSignalMessageException($"A sender key message is {serialized.Length} bytes; too short for version, body and signature.");
        }
        if (serialized[0] >> 4 != VersionByte >> 4)
        {
            throw new InvalidSignalMessageException($"Unsupported sender key message version {serialized[0] >> 4}.");
        }
        WireMessage wire;
        try
        {
            wire = WireMessage.Parser.ParseFrom(serialized[1..^XEdDsa.SignatureLength]);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidSignalMessageException("A sender key message is not valid protobuf.", e);
        }
        if (!wire.HasId || !wire.HasIteration || !wire.HasCiphertext)
        {
            throw new InvalidSignalMessageException("A sender key message lacks its id, iteration or ciphertext.");
        }
        return new SenderKeyMessage(wire.Id, wire.Iteration, wire.Ciphertext.ToByteArray(), serialized.ToArray());
    }

    /// <summary>True when the last 64 bytes are the sender's signature over the bytes before them.</summary>
    public bool VerifySignature(Curve25519PublicKey signingKey)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        var signedLength = _serialized.Length - XEdDsa.SignatureLength;
        return signingKey.Verify(_serialized.AsSpan(0, signedLength), _serialized.AsSpan(signedLength));
    }
}
