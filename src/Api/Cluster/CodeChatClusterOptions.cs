namespace CodeChat.Api.Cluster;

/// <summary>
/// The <c>Orleans</c> configuration section, read by both hosts: the silo (src/Silo) and the
/// stand-alone API host, which is an Orleans client of the silos. One type, so the keys and their
/// defaults cannot drift apart between the two.
/// </summary>
public sealed class CodeChatClusterOptions
{
    public const string SectionName = "Orleans";
    public const string ClusterIdKey = SectionName + ":" + nameof(ClusterId);
    public const string ServiceIdKey = SectionName + ":" + nameof(ServiceId);
    public const string SiloPortKey = SectionName + ":" + nameof(SiloPort);
    public const string GatewayPortKey = SectionName + ":" + nameof(GatewayPort);
    public const string AdvertisedAddressKey = SectionName + ":" + nameof(AdvertisedIPAddress);
    public const string AllowInsecureClusterKey = SectionName + ":" + nameof(AllowInsecureCluster);
    public const string TlsSectionName = SectionName + ":" + nameof(Tls);
    public const string DefaultClusterId = "codechat";
    public const string DefaultServiceId = "codechat";
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;

    /// <summary>ADO.NET provider invariant of Npgsql, as the Orleans ADO.NET providers expect it.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>Silos with the same cluster id and database form one cluster. Not a secret.</summary>
    public string ClusterId { get; set; } = DefaultClusterId;

    /// <summary>Names stored grain state and reminders: keep it stable across deployments.</summary>
    public string ServiceId { get; set; } = DefaultServiceId;

    /// <summary>Silo-to-silo port; 0 picks a free port (tests).</summary>
    public int SiloPort { get; set; } = DefaultSiloPort;

    /// <summary>Port Orleans clients connect to; 0 picks a free port (tests).</summary>
    public int GatewayPort { get; set; } = DefaultGatewayPort;

    /// <summary>The address other silos and clients use to reach this silo; null picks one.</summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>
    /// Lets a cluster listen on a non-loopback address without TLS. Anyone who reaches the Orleans
    /// ports can then call grains directly, past the API's authentication.
    /// </summary>
    public bool AllowInsecureCluster { get; set; }

    /// <summary>Mutual TLS between silos and from clients to gateways; off while no certificate is set.</summary>
    public ClusterTlsOptions Tls { get; set; } = new();

    /// <summary>Empty strings (an unset environment variable) mean "use the default".</summary>
    public string EffectiveClusterId => string.IsNullOrWhiteSpace(ClusterId) ? DefaultClusterId : ClusterId;

    public string EffectiveServiceId => string.IsNullOrWhiteSpace(ServiceId) ? DefaultServiceId : ServiceId;
}
