using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Socket;

/// <summary>Parsing and key helpers shared by both handshake sides; failures become handshake exceptions.</summary>
/// <remarks>
/// Public, not internal, because WhatsApp's side of the handshake (the responder) lives with the
/// test emulator in tests/CodeChat.WhatsApp.ServerSide and runs this same primitive; a shared
/// primitive is safer than a second copy, and a test assembly gets no view into the library's internals.
/// </remarks>
public static class HandshakeMessages
{
    public static HandshakeMessage Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return HandshakeMessage.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new NoiseHandshakeException("The handshake message is not a valid HandshakeMessage.", exception);
        }
    }

    public static Curve25519PublicKey PublicKey(ByteString bytes, string name) => PublicKey(bytes.Span, name);

    public static Curve25519PublicKey PublicKey(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length != Curve25519PublicKey.RawLength)
        {
            throw new NoiseHandshakeException($"The {name} key is {bytes.Length} bytes, not 32.");
        }
        return Curve25519PublicKey.FromBytes(bytes);
    }

    public static byte[] Agree(Curve25519KeyPair ours, Curve25519PublicKey theirs)
    {
        try
        {
            return ours.Agree(theirs);
        }
        catch (CryptographicException exception)
        {
            throw new NoiseHandshakeException("The peer sent a low-order public key.", exception);
        }
    }
}
