namespace CodeChat.Api.Cluster;

/// <summary>
/// The <c>Orleans:Tls</c> section: this host's certificate (a PKCS#12 file, or a PEM certificate and
/// key) and the cluster's certificate authority, which must have issued every peer's certificate.
/// deploy/cluster-certs.sh generates all of them.
/// </summary>
public sealed class ClusterTlsOptions
{
    /// <summary>This host's certificate: a .pfx/.p12 file, or a PEM file when <see cref="KeyPath"/> is set.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of the .pfx file, or of an encrypted PEM key; empty when none.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>PEM private key matching a PEM <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>PEM certificate of the cluster's CA: a peer is accepted only if its certificate chains to it.</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>True once any TLS setting is given; then all of the required ones must be.</summary>
    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(KeyPath) || !string.IsNullOrWhiteSpace(CaCertificatePath);
}
