using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Socket;
using Google.Protobuf;

namespace CodeChat.WhatsApp.ServerSide;

/// <summary>
/// Builds a serialized CertChain (whatsapp-protocol.md §2.6) for a server that owns a root key pair,
/// such as the test emulator: the root signs the intermediate, the intermediate signs a leaf that
/// carries the server's static key.
/// </summary>
public static class CertificateChainBuilder
{
    public static byte[] Build(
        Curve25519KeyPair root,
        Curve25519KeyPair intermediate,
        Curve25519PublicKey serverStaticKey,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        uint rootSerial = NoiseConstants.WhatsAppRootSerial,
        uint intermediateSerial = 1,
        uint leafSerial = 2,
        bool deterministicSignatures = false)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(intermediate);
        ArgumentNullException.ThrowIfNull(serverStaticKey);

        var intermediateDetails = SerializeDetails(intermediateSerial, rootSerial, intermediate.PublicKey, notBefore, notAfter);
        var leafDetails = SerializeDetails(leafSerial, intermediateSerial, serverStaticKey, notBefore, notAfter);
        var chain = new CertChain
        {
            Leaf = Certificate(leafDetails, intermediate, deterministicSignatures),
            Intermediate = Certificate(intermediateDetails, root, deterministicSignatures),
        };
        return chain.ToByteArray();
    }

    private static byte[] SerializeDetails(uint serial, uint issuerSerial, Curve25519PublicKey key, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        new CertChain.Types.NoiseCertificate.Types.Details
        {
            Serial = serial,
            IssuerSerial = issuerSerial,
            Key = ByteString.CopyFrom(key.Raw32.Span),
            NotBefore = (ulong)notBefore.ToUnixTimeSeconds(),
            NotAfter = (ulong)notAfter.ToUnixTimeSeconds(),
        }.ToByteArray();

    private static CertChain.Types.NoiseCertificate Certificate(byte[] details, Curve25519KeyPair signer, bool deterministic) => new()
    {
        Details = ByteString.CopyFrom(details),
        Signature = ByteString.CopyFrom(deterministic ? signer.SignDeterministic(details) : signer.Sign(details)),
    };
}
