using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Socket;
using Google.Protobuf;

namespace CodeChat.WhatsApp.ServerSide;

/// <summary>
/// Responder (server) side of the Noise handshake (whatsapp-protocol.md §2), WhatsApp's part, for
/// test servers and the emulator; the shipped library only initiates. Call
/// <see cref="ProcessClientHello"/>, <see cref="CreateServerHello"/>,
/// <see cref="ProcessClientFinish"/>, then <see cref="Finish"/>, in that order.
/// </summary>
public sealed class NoiseServerHandshake : IDisposable
{
    private readonly Curve25519KeyPair _staticKey;
    private readonly Curve25519KeyPair _ephemeralKey;
    private readonly byte[] _certificateChain;
    private readonly NoiseSymmetricState _state;
    private Curve25519PublicKey? _clientEphemeral;
    private readonly NoiseHandshakeSequence _sequence = new();

    /// <param name="staticKey">The server's static key (the leaf certificate's key).</param>
    /// <param name="certificateChain">Serialized CertChain, e.g. from <see cref="CertificateChainBuilder"/>.</param>
    /// <param name="ephemeralKey">Fixed ephemeral key for tests; null generates a fresh one.</param>
    public NoiseServerHandshake(Curve25519KeyPair staticKey, ReadOnlySpan<byte> certificateChain, Curve25519KeyPair? ephemeralKey = null)
    {
        _staticKey = staticKey ?? throw new ArgumentNullException(nameof(staticKey));
        _certificateChain = certificateChain.ToArray();
        _ephemeralKey = ephemeralKey ?? Curve25519KeyPair.Generate();
        _state = new NoiseSymmetricState(NoiseConstants.ConnectionHeader);
    }

    /// <summary>The running symmetric state, for known-answer tests of the intermediate hashes.</summary>
    public NoiseSymmetricState State => _state;

    public void ProcessClientHello(ReadOnlySpan<byte> handshakeMessage)
    {
        _sequence.Advance(NoiseHandshakeStep.ClientHello);
        var hello = HandshakeMessages.Parse(handshakeMessage).ClientHello
            ?? throw new NoiseHandshakeException("Expected a ClientHello.");
        if (!hello.HasEphemeral)
        {
            throw new NoiseHandshakeException("The ClientHello lacks its ephemeral key.");
        }
        _clientEphemeral = HandshakeMessages.PublicKey(hello.Ephemeral, "client ephemeral");
        _state.MixHash(_clientEphemeral.Raw32.Span);
    }

    public byte[] CreateServerHello()
    {
        _sequence.Advance(NoiseHandshakeStep.ServerHello);
        _state.MixHash(_ephemeralKey.PublicKey.Raw32.Span);
        _state.MixKey(HandshakeMessages.Agree(_ephemeralKey, _clientEphemeral!));
        var encryptedStatic = _state.EncryptAndHash(_staticKey.PublicKey.Raw32.Span);
        _state.MixKey(HandshakeMessages.Agree(_staticKey, _clientEphemeral!));
        var encryptedChain = _state.EncryptAndHash(_certificateChain);
        return new HandshakeMessage
        {
            ServerHello = new HandshakeMessage.Types.ServerHello
            {
                Ephemeral = ByteString.CopyFrom(_ephemeralKey.PublicKey.Raw32.Span),
                Static = ByteString.CopyFrom(encryptedStatic),
                Payload = ByteString.CopyFrom(encryptedChain),
            },
        }.ToByteArray();
    }

    public ClientFinishResult ProcessClientFinish(ReadOnlySpan<byte> handshakeMessage)
    {
        _sequence.Advance(NoiseHandshakeStep.ClientFinish);
        var finish = HandshakeMessages.Parse(handshakeMessage).ClientFinish
            ?? throw new NoiseHandshakeException("Expected a ClientFinish.");
        if (!finish.HasStatic || !finish.HasPayload)
        {
            throw new NoiseHandshakeException("The ClientFinish lacks its static key or payload.");
        }
        var clientStatic = HandshakeMessages.PublicKey(_state.DecryptAndHash(finish.Static.Span), "client static");
        _state.MixKey(HandshakeMessages.Agree(_ephemeralKey, clientStatic));
        var payload = _state.DecryptAndHash(finish.Payload.Span);
        return new ClientFinishResult(clientStatic, payload);
    }

    /// <summary>The transport keys; the server writes with ResponderToInitiator.</summary>
    public NoiseTransportKeys Finish()
    {
        _sequence.Advance(NoiseHandshakeStep.Finish);
        return _state.Split();
    }

    public void Dispose() => _state.Dispose();
}
