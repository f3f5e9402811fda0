using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Socket;

/// <summary>
/// Verifies the server's Noise certificate chain (root → intermediate → leaf) the way whatsmeow's
/// verifyServerCert does (whatsapp-protocol.md §2.6): both signatures, issuer serials, validity
/// windows, and that the leaf key is the server static key from the handshake.
/// </summary>
public sealed class CertificateChainVerifier
{
    private readonly byte[] _trustedRootKey;
    private readonly uint _rootSerial;
    private readonly TimeProvider _timeProvider;

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

    /// <summary>Verifier for WhatsApp's production servers.</summary>
    public static CertificateChainVerifier WhatsAppProduction { get; } = new();

    /// <summary>Throws <see cref="ServerCertificateException"/> unless the chain is valid for <paramref name="serverStaticKey"/>.</summary>
    public VerifiedCertificateChain Verify(ReadOnlySpan<byte> certificateChain, ReadOnlySpan<byte> serverStaticKey)
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
        if (!CryptographicOperations.FixedTimeEquals(leafDetails.Key.Span, serverStaticKey))
        {
            throw new ServerCertificateException("The leaf certificate key is not the server's static key.");
        }

        var now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var intermediateNotAfter = CheckValidity(intermediateDetails, now, "intermediate");
        var leafNotAfter = CheckValidity(leafDetails, now, "leaf");
        return new VerifiedCertificateChain(intermediateDetails.Serial, leafDetails.Serial, intermediateNotAfter, leafNotAfter);
    }

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
