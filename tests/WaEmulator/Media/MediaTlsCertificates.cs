using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CodeChat.WaEmulator.Media;

/// <summary>
/// A throw-away certificate authority and a server certificate for 127.0.0.1/localhost, made when the
/// emulator starts, so clients under test reach the media host over real TLS. Clients trust the CA through
/// <see cref="CertificateAuthorityPem"/> (Node: NODE_EXTRA_CA_CERTS); nothing is installed system-wide.
/// </summary>
public sealed class MediaTlsCertificates : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(2);

    private MediaTlsCertificates(X509Certificate2 authority, X509Certificate2 server)
    {
        Authority = authority;
        ServerCertificate = server;
    }

    /// <summary>The CA (public part only).</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The leaf with its private key, for the HTTPS listener.</summary>
    public X509Certificate2 ServerCertificate { get; }

    public string CertificateAuthorityPem => Authority.ExportCertificatePem();

    public static MediaTlsCertificates Create()
    {
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = notBefore + Lifetime;

        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=CodeChat WaEmulator test CA", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, false));
        using var authority = authorityRequest.CreateSelfSigned(notBefore, notAfter);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(serverRequest.PublicKey, false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = serverRequest.Create(authority, notBefore, notAfter.AddMinutes(-1), serial);
        using var withKey = issued.CopyWithPrivateKey(serverKey);

        // round-trip through PKCS#12 so the TLS stack gets a key it can use on every platform
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        var publicAuthority = X509CertificateLoader.LoadCertificate(authority.RawData);
        return new MediaTlsCertificates(publicAuthority, server);
    }

    public void Dispose()
    {
        Authority.Dispose();
        ServerCertificate.Dispose();
    }
}
