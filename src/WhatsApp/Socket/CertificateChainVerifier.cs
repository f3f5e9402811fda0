using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Socket;

/// <summary>
/// Verifies the server's Noise certificate chain (root → intermediate → leaf) the way whatsmeow's
/// verifyServerCert does (whatsapp-protocol.md §2.6): both signatures, issuer serials, validity
/// windows, and that the leaf key is the server static key from the handshake. The server sends the same
/// chain on every connection, so the signatures of the last chain verified are remembered: the same bytes
/// again skip the two XEdDSA verifications (8% of the gateway's CPU in a reconnect storm, by perf), while
/// the leaf key and the validity windows are checked on every connection.
/// </summary>
public sealed class CertificateChainVerifier
{
    private readonly byte[] _trustedRootKey;
    private readonly uint _rootSerial;
    private readonly TimeProvider _timeProvider;
    private SignedChain? _lastSigned;

    /// <param name="trustedRootPublicKey">Curve25519 root key; null means WhatsApp's production root.</param>
    /// <param name="rootSerial">Serial the intermediate must name as its issuer.</param>
    /// <param name="timeProvider">Clock for validity windows; null means the system clock.</param>
    public CertificateChainVerifier(
        Curve25519PublicKey? trustedRootPublicKey = null,
        uint rootSerial = NoiseConstants.WhatsAppRootSerial,
        TimeProvider? timeProvider = null)
    {
        _trustedRootKey = trustedRootPublicKey?.Raw32.ToArray() ?? NoiseConstants.WhatsAppRootPublicKey.ToArray();
        _rootSerial = rootSerial;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Throws <see cref="ServerCertificateException"/> unless the chain is valid for <paramref name="serverStaticKey"/>.</summary>
    public VerifiedCertificateChain Verify(ReadOnlySpan<byte> certificateChain, ReadOnlySpan<byte> serverStaticKey)
    {
        if (Volatile.Read(ref _lastSigned) is not { } signed || !certificateChain.SequenceEqual(signed.Chain))
        {
            signed = VerifySignatures(certificateChain);
            Volatile.Write(ref _lastSigned, signed);
        }

        if (!CryptographicOperations.FixedTimeEquals(signed.Leaf.Key.Span, serverStaticKey))
        {
            throw new ServerCertificateException("The leaf certificate key is not the server's static key.");
        }

        var now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var intermediateNotAfter = CheckValidity(signed.Intermediate, now, "intermediate");
        var leafNotAfter = CheckValidity(signed.Leaf, now, "leaf");
        return new VerifiedCertificateChain(signed.Intermediate.Serial, signed.Leaf.Serial, intermediateNotAfter, leafNotAfter);
    }

    /// <summary>Both signatures and issuer serials: everything about a chain that its bytes alone decide.</summary>
    private SignedChain VerifySignatures(ReadOnlySpan<byte> certificateChain)
    {
        CertChain chain;
        try
        {
            chain = CertChain.Parser.ParseFrom(certificateChain);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new ServerCertificateException("The server certificate chain is not a valid CertChain.", exception);
        }

        var intermediate = RequireCertificate(chain.Intermediate, "intermediate");
        var leaf = RequireCertificate(chain.Leaf, "leaf");

        if (!XEdDsa.Verify(_trustedRootKey, intermediate.Details.Span, intermediate.Signature.Span))
        {
            throw new ServerCertificateException("The intermediate certificate is not signed by the trusted root.");
        }
        var intermediateDetails = ParseDetails(intermediate.Details, "intermediate");
        if (intermediateDetails.IssuerSerial != _rootSerial)
        {
            throw new ServerCertificateException($"The intermediate certificate names issuer {intermediateDetails.IssuerSerial}, not the root ({_rootSerial}).");
        }
        if (intermediateDetails.Key.Length != Curve25519.KeyLength)
        {
            throw new ServerCertificateException("The intermediate certificate key is not 32 bytes.");
        }

        if (!XEdDsa.Verify(intermediateDetails.Key.Span, leaf.Details.Span, leaf.Signature.Span))
        {
            throw new ServerCertificateException("The leaf certificate is not signed by the intermediate.");
        }
        var leafDetails = ParseDetails(leaf.Details, "leaf");
        if (leafDetails.IssuerSerial != intermediateDetails.Serial)
        {
            throw new ServerCertificateException($"The leaf certificate names issuer {leafDetails.IssuerSerial}, not the intermediate ({intermediateDetails.Serial}).");
        }
        return new SignedChain(certificateChain.ToArray(), intermediateDetails, leafDetails);
    }

    /// <summary>A chain whose signatures verified against the trusted root, with its parsed details (never changed after parsing).</summary>
    private sealed record SignedChain(
        byte[] Chain, CertChain.Types.NoiseCertificate.Types.Details Intermediate, CertChain.Types.NoiseCertificate.Types.Details Leaf);

    private static CertChain.Types.NoiseCertificate RequireCertificate(CertChain.Types.NoiseCertificate? certificate, string name)
    {
        if (certificate is null || !certificate.HasDetails || !certificate.HasSignature)
        {
            throw new ServerCertificateException($"The {name} certificate is missing its details or signature.");
        }
        if (certificate.Signature.Length != XEdDsa.SignatureLength)
        {
            throw new ServerCertificateException($"The {name} certificate signature is not 64 bytes.");
        }
        return certificate;
    }

    private static CertChain.Types.NoiseCertificate.Types.Details ParseDetails(ByteString details, string name)
    {
        try
        {
            return CertChain.Types.NoiseCertificate.Types.Details.Parser.ParseFrom(details);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new ServerCertificateException($"The {name} certificate details are malformed.", exception);
        }
    }

    private static DateTimeOffset CheckValidity(CertChain.Types.NoiseCertificate.Types.Details details, long now, string name)
    {
        if (details.NotBefore > (ulong)now)
        {
            throw new ServerCertificateException($"The {name} certificate is not valid before {details.NotBefore}.");
        }
        if (details.NotAfter < (ulong)now)
        {
            throw new ServerCertificateException($"The {name} certificate expired at {details.NotAfter}.");
        }
        return DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(details.NotAfter, (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
    }
}
