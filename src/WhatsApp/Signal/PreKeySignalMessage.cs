using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// A Signal <c>pkmsg</c>: <c>0x33 || PreKeyWhisperMessage</c>, whose <c>message</c> field is a complete
/// serialized <see cref="SignalMessage"/> (whatsapp-protocol.md §6.5). Sent until the peer has
/// answered, so it can build the session (X3DH responder) from any of them.
/// </summary>
public sealed class PreKeySignalMessage
{
    private readonly byte[] _serialized;

    private PreKeySignalMessage(
        byte[] serialized,
        uint registrationId,
        uint? preKeyId,
        uint signedPreKeyId,
        Curve25519PublicKey baseKey,
        Curve25519PublicKey identityKey,
        SignalMessage message)
    {
        _serialized = serialized;
        RegistrationId = registrationId;
        PreKeyId = preKeyId;
        SignedPreKeyId = signedPreKeyId;
        BaseKey = baseKey;
        IdentityKey = identityKey;
        Message = message;
    }

    public uint RegistrationId { get; }

    /// <summary>The one-time prekey the sender used, or null when its bundle had none.</summary>
    public uint? PreKeyId { get; }

    public uint SignedPreKeyId { get; }

    /// <summary>The sender's X3DH base key; identifies the session it creates.</summary>
    public Curve25519PublicKey BaseKey { get; }

    /// <summary>The sender's identity key.</summary>
    public Curve25519PublicKey IdentityKey { get; }

    public SignalMessage Message { get; }

    public ReadOnlyMemory<byte> Serialized => _serialized;

    public static PreKeySignalMessage Create(
        uint registrationId,
        uint? preKeyId,
        uint signedPreKeyId,
        Curve25519PublicKey baseKey,
        Curve25519PublicKey identityKey,
        SignalMessage message)
    {
        ArgumentNullException.ThrowIfNull(baseKey);
        ArgumentNullException.ThrowIfNull(identityKey);
        ArgumentNullException.ThrowIfNull(message);
        var body = new PreKeyWhisperMessage
        {
            RegistrationId = registrationId,
            SignedPreKeyId = signedPreKeyId,
            BaseKey = UnsafeByteOperations.UnsafeWrap(baseKey.Signal33),
            IdentityKey = UnsafeByteOperations.UnsafeWrap(identityKey.Signal33),
            Message = UnsafeByteOperations.UnsafeWrap(message.Serialized),
        };
        if (preKeyId is { } id)
        {
            body.PreKeyId = id;
        }
        var bodyLength = body.CalculateSize();
        var serialized = new byte[1 + bodyLength];
        serialized[0] = SignalMessage.VersionByte;
        body.WriteTo(serialized.AsSpan(1));
        return new PreKeySignalMessage(serialized, registrationId, preKeyId, signedPreKeyId, baseKey, identityKey, message);
    }

    /// <exception cref="InvalidSignalMessageException">Malformed, wrong version, or missing fields.</exception>
    public static PreKeySignalMessage Parse(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length < 2)
        {
            throw new InvalidSignalMessageException("A PreKeyWhisperMessage is at least 2 bytes.");
        }
        SignalMessage.CheckVersion(serialized[0], "PreKeyWhisperMessage");
        PreKeyWhisperMessage body;
        try
        {
            body = PreKeyWhisperMessage.Parser.ParseFrom(serialized[1..]);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidSignalMessageException("The PreKeyWhisperMessage protobuf is malformed.", e);
        }
        if (!body.HasSignedPreKeyId || !body.HasBaseKey || !body.HasIdentityKey || !body.HasMessage)
        {
            throw new InvalidSignalMessageException("The PreKeyWhisperMessage lacks its signed prekey id, base key, identity key or message.");
        }
        if (!Curve25519PublicKey.TryFromBytes(body.BaseKey.Span, out var baseKey)
            || !Curve25519PublicKey.TryFromBytes(body.IdentityKey.Span, out var identityKey))
        {
            throw new InvalidSignalMessageException("The PreKeyWhisperMessage base key or identity key is malformed.");
        }
        var message = SignalMessage.Parse(body.Message.Span);
        return new PreKeySignalMessage(
            serialized.ToArray(),
            body.RegistrationId,
            body.HasPreKeyId ? body.PreKeyId : null,
            body.SignedPreKeyId,
            baseKey,
            identityKey,
            message);
    }
}
