using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>
/// A Curve25519 (Montgomery u-coordinate) public key. Signal structures use the 33-byte form with
/// the 0x05 "DJB" type prefix, XML nodes and handshake messages the raw 32 bytes; keeping one type
/// with both views avoids mixing them up (whatsapp-protocol.md pitfall P14).
/// </summary>
public sealed class Curve25519PublicKey : IEquatable<Curve25519PublicKey>
{
    /// <summary>The Signal key-type byte that prefixes the 33-byte form.</summary>
    public const byte DjbType = 0x05;

    public const int RawLength = 32;
    public const int SignalLength = 33;

    private readonly byte[] _signalForm;

    private Curve25519PublicKey(byte[] signalForm) => _signalForm = signalForm;

    /// <summary>The raw 32-byte key.</summary>
    public ReadOnlyMemory<byte> Raw32 => _signalForm.AsMemory(1, RawLength);

    /// <summary>The 33-byte Signal form: 0x05 followed by the raw key.</summary>
    public ReadOnlyMemory<byte> Signal33 => _signalForm;

    /// <summary>Accepts the raw 32-byte form or the 33-byte form starting with 0x05.</summary>
    public static Curve25519PublicKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (TryFromBytes(key, out var publicKey))
        {
            return publicKey;
        }
        throw new ArgumentException(
            $"A Curve25519 public key is 32 bytes, or 33 bytes starting with 0x05; got {key.Length} bytes.",
            nameof(key));
    }

    public static bool TryFromBytes(ReadOnlySpan<byte> key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Curve25519PublicKey? publicKey)
    {
        ReadOnlySpan<byte> raw;
        if (key.Length == RawLength)
        {
            raw = key;
        }
        else if (key.Length == SignalLength && key[0] == DjbType)
        {
            raw = key[1..];
        }
        else
        {
            publicKey = null;
            return false;
        }
        var signalForm = new byte[SignalLength];
        signalForm[0] = DjbType;
        raw.CopyTo(signalForm.AsSpan(1));
        publicKey = new Curve25519PublicKey(signalForm);
        return true;
    }

    /// <summary>Verifies a "curve25519 signature" (XEdDSA-compatible) made by this key's owner.</summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        XEdDsa.Verify(Raw32.Span, message, signature);

    public bool Equals(Curve25519PublicKey? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(_signalForm, other._signalForm);

    public override bool Equals(object? obj) => Equals(obj as Curve25519PublicKey);

    public override int GetHashCode() => BitConverter.ToInt32(_signalForm, 1);

    /// <summary>Lower-case hex of the raw 32 bytes; public keys are safe to log.</summary>
    public override string ToString() => Convert.ToHexStringLower(Raw32.Span);
}
