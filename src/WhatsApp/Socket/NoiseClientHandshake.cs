using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Socket;

/// <summary>
/// Initiator (client) side of WhatsApp's Noise_XX_25519_AESGCM_SHA256 handshake
/// (whatsapp-protocol.md §2.3), independent of any socket: it turns messages into messages.
/// Call <see cref="CreateClientHello"/>, <see cref="ProcessServerHello"/>,
/// <see cref="CreateClientFinish"/>, then <see cref="Finish"/>, in that order.
/// </summary>
public sealed class NoiseClientHandshake : IDisposable
{
    private readonly Curve25519KeyPair _staticKey;
    private readonly Curve25519KeyPair _ephemeralKey;
    private readonly CertificateChainVerifier _verifier;
    private readonly NoiseSymmetricState _state;
    private Curve25519PublicKey? _serverEphemeral;
    private readonly NoiseHandshakeSequence _sequence = new();

    /// <param name="staticKey">The device's persistent noise key.</param>
    /// <param name="verifier">Checks the server certificate chain against the trusted root.</param>
    /// <param name="ephemeralKey">Fixed ephemeral key for tests; null generates a fresh one.</param>
    public NoiseClientHandshake(Curve25519KeyPair staticKey, CertificateChainVerifier verifier, Curve25519KeyPair? ephemeralKey = null)
    {
        _staticKey = staticKey ?? throw new ArgumentNullException(nameof(staticKey));
        _verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
        _ephemeralKey = ephemeralKey ?? Curve25519KeyPair.Generate();
        _state = new NoiseSymmetricState(NoiseConstants.ConnectionHeader);
    }

    internal NoiseSymmetricState State => _state;

    /// <summary>HandshakeMessage{clientHello{ephemeral}} bytes.</summary>
    public byte[] CreateClientHello()
    {
        _sequence.Advance(NoiseHandshakeStep.ClientHello);
        _state.MixHash(_ephemeralKey.PublicKey.Raw32.Span);
        return new HandshakeMessage
        {
            ClientHello = new HandshakeMessage.Types.ClientHello { Ephemeral = ByteString.CopyFrom(_ephemeralKey.PublicKey.Raw32.Span) },
        }.ToByteArray();
    }

    /// <summary>Processes ServerHello: decrypts the server static key and certificate chain and verifies the chain.</summary>
    public ServerHelloResult ProcessServerHello(ReadOnlySpan<byte> handshakeMessage)
    {
        _sequence.Advance(NoiseHandshakeStep.ServerHello);
        var hello = HandshakeMessages.Parse(handshakeMessage).ServerHello
            ?? throw new NoiseHandshakeException("Expected a ServerHello.");
        if (!hello.HasEphemeral || !hello.HasStatic || !hello.HasPayload)
        {
            throw new NoiseHandshakeException("The ServerHello lacks its ephemeral key, static key or payload.");
        }
        var serverEphemeral = HandshakeMessages.PublicKey(hello.Ephemeral, "server ephemeral");
        _serverEphemeral = serverEphemeral;

        _state.MixHash(serverEphemeral.Raw32.Span);
        _state.MixKey(HandshakeMessages.Agree(_ephemeralKey, serverEphemeral));
        var serverStatic = HandshakeMessages.PublicKey(_state.DecryptAndHash(hello.Static.Span), "server static");
        _state.MixKey(HandshakeMessages.Agree(_ephemeralKey, serverStatic));
        var certificateChain = _state.DecryptAndHash(hello.Payload.Span);
        var verified = _verifier.Verify(certificateChain, serverStatic.Raw32.Span);
        return new ServerHelloResult(serverStatic, verified);
    }

    /// <summary>HandshakeMessage{clientFinish{static, payload}} bytes carrying the encrypted ClientPayload.</summary>
    public byte[] CreateClientFinish(ReadOnlySpan<byte> clientPayload)
    {
        _sequence.Advance(NoiseHandshakeStep.ClientFinish);
        var encryptedStatic = _state.EncryptAndHash(_staticKey.PublicKey.Raw32.Span);
        _state.MixKey(HandshakeMessages.Agree(_staticKey, _serverEphemeral!));
        var encryptedPayload = _state.EncryptAndHash(clientPayload);
        return new HandshakeMessage
        {
            ClientFinish = new HandshakeMessage.Types.ClientFinish
            {
                Static = ByteString.CopyFrom(encryptedStatic),
                Payload = ByteString.CopyFrom(encryptedPayload),
            },
        }.ToByteArray();
    }

    /// <summary>The transport keys; the client writes with InitiatorToResponder.</summary>
    public NoiseTransportKeys Finish()
    {
        _sequence.Advance(NoiseHandshakeStep.Finish);
        return _state.Split();
    }

    public void Dispose() => _state.Dispose();
}
