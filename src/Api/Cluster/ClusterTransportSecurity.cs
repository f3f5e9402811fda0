using Microsoft.Extensions.Options;

namespace CodeChat.Api.Cluster;

/// <summary>
/// Whether this host speaks TLS to the cluster, and with which certificates: loaded once, on first
/// use, from <c>Orleans:Tls</c>, and held for the life of the host.
/// </summary>
public sealed class ClusterTransportSecurity : IDisposable
{
    private readonly Lazy<ClusterCertificates?> _certificates;

    public ClusterTransportSecurity(IOptions<CodeChatClusterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _certificates = new Lazy<ClusterCertificates?>(() =>
            options.Value.Tls.IsConfigured ? ClusterCertificates.Load(options.Value.Tls) : null);
    }

    /// <summary>The loaded certificates, or null when no TLS is configured.</summary>
    public ClusterCertificates? Certificates => _certificates.Value;

    public bool IsEnabled => Certificates is not null;

    public void Dispose()
    {
        if (_certificates.IsValueCreated)
        {
            _certificates.Value?.Dispose();
        }
    }
}
