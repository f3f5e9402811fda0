using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// A Signal <c>msg</c>: <c>version || WhisperMessage || MAC[0:8]</c> with version byte 0x33 and
/// MAC = HMAC-SHA256(macKey, senderIdentity(33) || receiverIdentity(33) || version || WhisperMessage)
/// (whatsapp-protocol.md §6.5; libsignal-node <c>session_cipher.js</c> <c>encrypt</c> /
/// <c>doDecryptWhisperMessage</c>).
/// </summary>
public sealed class SignalMessage
{
    /// <summary>The protocol version WhatsApp speaks (libsignal v3).</summary>
    public const int CurrentVersion = 3;

    /// <summary>(version &lt;&lt; 4) | version.</summary>
    public const byte VersionByte = (CurrentVersion << 4) | CurrentVersion;

    public const int MacLength = 8;

    private const int IdentityLength = Curve25519PublicKey.SignalLength;

    private readonly byte[] _serialized;

    private SignalMessage(byte[] serialized, byte[] senderRatchetKey, uint counter, uint previousCounter, byte[] ciphertext)
    {
        _serialized = serialized;
        SenderRatchetKey = senderRatchetKey;
        Counter = counter;
        PreviousCounter = previousCounter;
        Ciphertext = ciphertext;
    }

    /// <summary>The sender's current ratchet public key, 33 bytes (05 || key).</summary>
    public ReadOnlyMemory<byte> SenderRatchetKey { get; }

    public uint Counter { get; }

    public uint PreviousCounter { get; }

    public ReadOnlyMemory<byte> Ciphertext { get; }

    /// <summary>The complete serialized form, as carried in <c>&lt;enc type="msg"&gt;</c>.</summary>
    public ReadOnlyMemory<byte> Serialized => _serialized;

    /// <summary>Builds and MACs a message; identities are the 33-byte Signal forms.</summary>
    public static SignalMessage Create(
        ReadOnlySpan<byte> macKey,
        ReadOnlySpan<byte> senderRatchetKey,
        uint counter,
        uint previousCounter,
        byte[] ciphertext,
        ReadOnlySpan<byte> senderIdentity,
        ReadOnlySpan<byte> receiverIdentity)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        var ratchetKey = senderRatchetKey.ToArray();
        // Every field is set explicitly, so proto2 writes counter and previousCounter even when 0,
        // exactly like libsignal-node (protobufjs) does; the MAC covers these bytes.
        var body = new WhisperMessage
        {
            EphemeralKey = UnsafeByteOperations.UnsafeWrap(ratchetKey),
            Counter = counter,
            PreviousCounter = previousCounter,
            Ciphertext = UnsafeByteOperations.UnsafeWrap(ciphertext),
        };
        var bodyLength = body.CalculateSize();
        var serialized = new byte[1 + bodyLength + MacLength];
        serialized[0] = VersionByte;
        body.WriteTo(serialized.AsSpan(1, bodyLength));
        Span<byte> mac = stackalloc byte[32];
        ComputeMac(macKey, senderIdentity, receiverIdentity, serialized.AsSpan(0, 1 + bodyLength), mac);
        mac[..MacLength].CopyTo(serialized.AsSpan(1 + bodyLength));
        return new SignalMessage(serialized, ratchetKey, counter, previousCounter, ciphertext);
    }

    /// <exception cref="InvalidSignalMessageException">Too short, wrong version, or not a WhisperMessage.</exception>
    public static SignalMessage Parse(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length < 1 + MacLength)
        {
            throw new InvalidSignalMessageException($"A Signal message is at least {1 + MacLength} bytes; got {serialized.Length}.");
        }
        CheckVersion(serialized[0], "WhisperMessage");
        WhisperMessage body;
        try
        {
            body = WhisperMessage.Parser.ParseFrom(serialized[1..^MacLength]);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidSignalMessageException("The WhisperMessage protobuf is malformed.", e);
        }
        if (!body.HasEphemeralKey || !body.HasCounter || !body.HasCiphertext)
        {
            throw new InvalidSignalMessageException("The WhisperMessage lacks its ratchet key, counter or ciphertext.");
        }
        if (!Curve25519PublicKey.TryFromBytes(body.EphemeralKey.Span, out var ratchetKey))
        {
            throw new InvalidSignalMessageException($"The WhisperMessage ratchet key has {body.EphemeralKey.Length} bytes.");
        }
        return new SignalMessage(
            serialized.ToArray(),
            ratchetKey.Signal33.ToArray(),
            body.Counter,
            body.PreviousCounter,
            body.Ciphertext.ToByteArray());
    }

    /// <summary>True when the truncated MAC matches; sender identity first (when decrypting: theirs, then ours).</summary>
    public bool VerifyMac(ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> senderIdentity, ReadOnlySpan<byte> receiverIdentity)
    {
        Span<byte> mac = stackalloc byte[32];
        ComputeMac(macKey, senderIdentity, receiverIdentity, _serialized.AsSpan(0, _serialized.Length - MacLength), mac);
        return CryptographicOperations.FixedTimeEquals(mac[..MacLength], _serialized.AsSpan(_serialized.Length - MacLength));
    }

    /// <summary>
    /// libsignal-node's version check (<c>_decodeTupleByte</c>): the high nibble is the message's
    /// version and must be at least 3, the low nibble the lowest version it needs and must be at most 3.
    /// </summary>
    internal static void CheckVersion(byte versionByte, string what)
    {
        var messageVersion = versionByte >> 4;
        var requiredVersion = versionByte & 0x0F;
        if (messageVersion < CurrentVersion || requiredVersion > CurrentVersion)
        {
            throw new InvalidSignalMessageException($"Unsupported {what} version byte 0x{versionByte:x2}.");
        }
    }

    // MAC input = senderIdentity(33) || receiverIdentity(33) || version byte || WhisperMessage. The
    // version byte is the one on the wire (always 0x33 in practice; libsignal-java MACs the
    // serialized bytes the same way).
    private static void ComputeMac(
        ReadOnlySpan<byte> macKey,
        ReadOnlySpan<byte> senderIdentity,
        ReadOnlySpan<byte> receiverIdentity,
        ReadOnlySpan<byte> versionAndBody,
        Span<byte> mac)
    {
        if (senderIdentity.Length != IdentityLength || receiverIdentity.Length != IdentityLength)
        {
            throw new ArgumentException("Signal MAC identities are the 33-byte forms.");
        }
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, macKey);
        hmac.AppendData(senderIdentity);
        hmac.AppendData(receiverIdentity);
        hmac.AppendData(versionAndBody);
        hmac.GetHashAndReset(mac);
    }
}
