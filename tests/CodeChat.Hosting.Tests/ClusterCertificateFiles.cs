using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeChat.Api.Cluster;

namespace CodeChat.Hosting.Tests;

/// <summary>
/// A throw-away cluster CA and the certificates it issues, written to a temporary folder in the
/// formats <c>Orleans:Tls</c> reads (PEM certificate + key, or a password-protected .pfx), the way
/// deploy/cluster-certs.sh lays them out. Made with CertificateRequest, so tests need no openssl.
/// </summary>
public sealed class ClusterCertificateFiles : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("codechat-certs-").FullName;
    private readonly X509Certificate2 _authority;

    public ClusterCertificateFiles(string authorityName = "CodeChat test cluster CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={authorityName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        _authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddDays(2));
        AuthorityPath = Path.Combine(_folder, "ca.crt");
        File.WriteAllText(AuthorityPath, _authority.ExportCertificatePem());
    }

    /// <summary>PEM file of the CA certificate (no key): the value of Orleans:Tls:CaCertificatePath.</summary>
    public string AuthorityPath { get; }

    /// <summary>Issues a certificate for <paramref name="name"/> and returns the Orleans:Tls settings that use it as PEM files.</summary>
    public IReadOnlyDictionary<string, string?> IssuePem(string name)
    {
        using var certificate = Issue(name);
        var certificatePath = Path.Combine(_folder, name + ".crt");
        var keyPath = Path.Combine(_folder, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        using var key = certificate.GetECDsaPrivateKey()!;
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return new Dictionary<string, string?>
        {
            [Key(nameof(ClusterTlsOptions.CertificatePath))] = certificatePath,
            [Key(nameof(ClusterTlsOptions.KeyPath))] = keyPath,
            [Key(nameof(ClusterTlsOptions.CaCertificatePath))] = AuthorityPath,
        };
    }

    /// <summary>Issues a certificate for <paramref name="name"/> and returns the settings that use it as a password-protected .pfx.</summary>
    public IReadOnlyDictionary<string, string?> IssuePfx(string name)
    {
        using var certificate = Issue(name);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var pfxPath = Path.Combine(_folder, name + ".pfx");
        File.WriteAllBytes(pfxPath, certificate.Export(X509ContentType.Pkcs12, password));
        return new Dictionary<string, string?>
        {
            [Key(nameof(ClusterTlsOptions.CertificatePath))] = pfxPath,
            [Key(nameof(ClusterTlsOptions.CertificatePassword))] = password,
            [Key(nameof(ClusterTlsOptions.CaCertificatePath))] = AuthorityPath,
        };
    }

    public void Dispose()
    {
        _authority.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private X509Certificate2 Issue(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        // Every host both accepts connections and opens them (silo to silo), so both usages.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var subjectNames = new SubjectAlternativeNameBuilder();
        subjectNames.AddDnsName(name);
        request.CertificateExtensions.Add(subjectNames.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(_authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        return issued.CopyWithPrivateKey(key);
    }

    private static string Key(string name) => $"{CodeChatClusterOptions.TlsSectionName}:{name}";
}
