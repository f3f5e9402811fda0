using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace CodeChat.Api.Cluster;

/// <summary>
/// This host's certificate and the cluster CA, loaded from <see cref="ClusterTlsOptions"/>, and the
/// Orleans TLS settings built from them: both ends of every silo-to-silo and client-to-gateway
/// connection must present a certificate issued by the cluster CA (mutual TLS).
/// </summary>
public sealed class ClusterCertificates : IDisposable
{
    private readonly X509Certificate2Collection _authorities;

    private ClusterCertificates(X509Certificate2 local, X509Certificate2Collection authorities)
    {
        Local = local;
        _authorities = authorities;
    }

    /// <summary>The certificate (with its private key) this host presents to its peers.</summary>
    public X509Certificate2 Local { get; }

    /// <summary>Loads and checks the configured files; every problem is reported with the key to fix.</summary>
    public static ClusterCertificates Load(ClusterTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certificatePath = Required(options.CertificatePath, nameof(ClusterTlsOptions.CertificatePath));
        var caPath = Required(options.CaCertificatePath, nameof(ClusterTlsOptions.CaCertificatePath));
        var authorities = LoadAuthorities(caPath);
        var local = LoadLocal(certificatePath, options.KeyPath, options.CertificatePassword);
        var certificates = new ClusterCertificates(local, authorities);
        if (!local.HasPrivateKey)
        {
            certificates.Dispose();
            throw new ClusterConfigurationException(
                $"{Key(nameof(ClusterTlsOptions.CertificatePath))} ({certificatePath}) holds no private key: give a .pfx with its key, " +
                $"or the PEM key in {Key(nameof(ClusterTlsOptions.KeyPath))}.");
        }

        if (!certificates.IsIssuedByClusterAuthority(local))
        {
            var subject = local.Subject;
            certificates.Dispose();
            throw new ClusterConfigurationException(
                $"The certificate in {Key(nameof(ClusterTlsOptions.CertificatePath))} ({subject}) was not issued by the CA in " +
                $"{Key(nameof(ClusterTlsOptions.CaCertificatePath))} ({caPath}), or has expired: its peers would refuse it.");
        }

        return certificates;
    }

    /// <summary>
    /// Orleans TLS settings for this host: present <see cref="Local"/>, require a certificate from
    /// every peer, and accept it only if it chains to the cluster CA.
    /// </summary>
    public TlsOptions CreateTlsOptions() => new()
    {
        LocalCertificate = Local,
        RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
        ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
        RemoteCertificateValidation = AcceptsPeer,
    };

    /// <summary>
    /// A peer is a member of this cluster when its certificate chains to the cluster CA. Host-name
    /// mismatches are ignored on purpose: silos address each other by IP, and the private CA issues
    /// certificates only to this cluster's hosts, so the issuer is the identity that matters.
    /// </summary>
    public bool AcceptsPeer(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors policyErrors) =>
        (policyErrors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0 && IsIssuedByClusterAuthority(certificate);

    public void Dispose()
    {
        Local.Dispose();
        foreach (var authority in _authorities)
        {
            authority.Dispose();
        }
    }

    private bool IsIssuedByClusterAuthority(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        // A private cluster CA publishes no revocation list; removing a host means re-issuing the CA.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static X509Certificate2 LoadLocal(string certificatePath, string? keyPath, string? password)
    {
        try
        {
            if (!string.IsNullOrWhiteSpace(keyPath))
            {
                return string.IsNullOrEmpty(password)
                    ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, keyPath);
            }

            return X509CertificateLoader.LoadPkcs12FromFile(certificatePath, string.IsNullOrEmpty(password) ? null : password);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            // The message of these exceptions names the file and the problem, never the password.
            throw new ClusterConfigurationException(
                $"Cannot load the cluster certificate from {Key(nameof(ClusterTlsOptions.CertificatePath))} ({certificatePath})" +
                (string.IsNullOrWhiteSpace(keyPath) ? "" : $" and {Key(nameof(ClusterTlsOptions.KeyPath))} ({keyPath})") +
                $": {exception.Message}", exception);
        }
    }

    private static X509Certificate2Collection LoadAuthorities(string caPath)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caPath);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ClusterConfigurationException(
                $"Cannot load the cluster CA from {Key(nameof(ClusterTlsOptions.CaCertificatePath))} ({caPath}): {exception.Message}", exception);
        }

        if (authorities.Count == 0)
        {
            throw new ClusterConfigurationException(
                $"{Key(nameof(ClusterTlsOptions.CaCertificatePath))} ({caPath}) holds no PEM certificate.");
        }

        return authorities;
    }

    private static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new ClusterConfigurationException(
                $"{Key(name)} is required once any {CodeChatClusterOptions.TlsSectionName} setting is given " +
                $"(needed: {Key(nameof(ClusterTlsOptions.CertificatePath))} and {Key(nameof(ClusterTlsOptions.CaCertificatePath))}).")
            : value;

    private static string Key(string name) => $"{CodeChatClusterOptions.TlsSectionName}:{name}";
}
